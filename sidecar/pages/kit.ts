import path from 'node:path';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import { Eta } from 'eta';
import { ProblemError } from '../domain/errors';
import { problemOf } from '../http/problems';
import { type FormTokenSource, ForgedForm, formCsrf } from './form-csrf';
import { echoedValues, formErrorsOf, showsFormAgain } from './refusals';
import { addSecurityHeaders } from './security-headers';

/** Templates are named from the sidecar's folder (`/portal/pages/templates/sign-in`); `npm run build` copies them into dist. */
const VIEWS_ROOT = path.resolve(__dirname, '..');
const ASSETS_DIR = path.join(__dirname, 'assets');

export interface NavLink {
  href: string;
  label: string;
}

/** One face's pages: its name in the header, its navigation, where its assets are, and its form tokens. */
export interface PageFace extends FormTokenSource {
  product: string;
  /** URL prefix of the shared assets (stylesheet, scripts), e.g. `/assets/`. */
  assetPrefix: string;
  /** Where the product name in the header leads. */
  home: string;
  /** Where the header's Sign out form posts. */
  signOutAction: string;
  /** The navigation for this request (signed in or not). */
  nav(request: FastifyRequest): NavLink[];
  /** Who is signed in, for the header; undefined before sign-in. */
  viewer(request: FastifyRequest): { name: string } | undefined;
}

/** A route's form: shown again, filled in and with its reasons, when the domain refuses what was sent. */
export interface PageForm {
  template: string;
  /** What else the form's page needs (its choices), looked up again for the refused form. */
  data?(request: FastifyRequest): Promise<Record<string, unknown>>;
  /** Statuses besides the usual ones that also show the form again (a mailed link's 404 and 410). */
  alsoFor?: number[];
}

export interface PageOptions {
  status?: number;
  /** The page holds a form an anonymous browser may send: it gets a pre-session if it has none. */
  form?: boolean;
}

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a template inside the face's layout, with the form token of this browser. */
    page(template: string, data?: Record<string, unknown>, options?: PageOptions): Promise<FastifyReply>;
  }
  interface FastifyContextConfig {
    form?: PageForm;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The confirmation step of a destructive form: it is acted on only when sent from that step's button. */
export const confirmed = (body: unknown): boolean => (body as { confirm?: unknown } | undefined)?.confirm === 'yes';

/** A form sends every field, filled in or not: a blank one is one not given, so optional fields stay optional. */
function dropBlankFields(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const fields = body as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) if (value === '') delete fields[name];
}

/**
 * Registers, in the calling (encapsulated) scope, what every page of a face needs: form bodies (this scope
 * only: the JSON API keeps refusing them), Eta templates with auto-escaping, the assets, the security headers,
 * the form CSRF check on every POST, and refusals rendered as pages (or as the refused form, filled in again).
 */
export async function registerPageKit(app: FastifyInstance, face: PageFace): Promise<void> {
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  const eta = new Eta({ views: VIEWS_ROOT, autoEscape: true, cache: true });
  await app.register(view, { engine: { eta }, root: VIEWS_ROOT, viewExt: 'eta', production: true });
  await app.register(fastifyStatic, { root: ASSETS_DIR, prefix: face.assetPrefix, decorateReply: false, index: false, maxAge: '1h' });
  addSecurityHeaders(app);
  // Pages are no API operations: the face's OpenAPI document leaves them out.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  const csrf = formCsrf(face);

  app.decorateReply('page', async function page(this: FastifyReply, template: string, data = {}, options: PageOptions = {}) {
    const { request } = this;
    const chrome = {
      product: face.product,
      home: face.home,
      signOutAction: face.signOutAction,
      assets: face.assetPrefix,
      nav: face.nav(request).map((link) => ({ ...link, current: request.url.split('?')[0] === link.href })),
      viewer: face.viewer(request),
      csrf: await csrf.tokenFor(request, this, options.form ?? false),
    };
    const html = await this.viewAsync(template, { ...data, chrome });
    return this.code(options.status ?? 200).type('text/html; charset=utf-8').send(html);
  });

  app.addHook('preValidation', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    await csrf.check(request);
    dropBlankFields(request.body);
  });

  app.setErrorHandler<FastifyError | ProblemError>(async (error, request, reply) => {
    const problem = problemOf(error);
    if (problem.status >= 500 && !(error instanceof ProblemError)) {
      request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'page failed');
    }
    if (error instanceof ProblemError && error.extras.retryAfter !== undefined) reply.header('retry-after', String(error.extras.retryAfter));
    const form = request.routeOptions.config.form;
    if (form && !(error instanceof ForgedForm) && (showsFormAgain(problem.status) || form.alsoFor?.includes(problem.status))) {
      const data = form.data ? await form.data(request) : {};
      const values = { ...echoedValues(request.params), ...echoedValues(request.body) };
      return reply.page(form.template, { ...data, values, errors: formErrorsOf(problem) }, { status: problem.status, form: true });
    }
    return reply.page('/pages/templates/problem', { problem }, { status: problem.status });
  });
}
