import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { type InvalidParameter, ProblemError, titleOf } from '../domain/errors';
import { NON_BLANK } from '../domain/shapes/common';

/** Konnect's problem shape: every error response of the sidecar, whatever produced it. */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  /** The request's path, without its query string (which may carry a token): which call this answers. */
  instance?: string;
  invalid_parameters?: InvalidParameter[];
  idp_error?: { error: string; error_description: string };
}

export function problem(status: number, detail: string, extras: Omit<Problem, 'status' | 'title' | 'detail'> = {}): Problem {
  return { status, title: titleOf(status), detail, ...extras };
}

/** `/dcr_config/dcr_token` + missing `x` -> `dcr_config.dcr_token.x`; querystring fields keep their own names. */
function fieldOf(error: FastifySchemaValidationError): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const segments = error.instancePath.split('/').filter(Boolean);
  const last = params.missingProperty ?? params.additionalProperty;
  if (last) segments.push(last);
  return segments.join('.') || '(body)';
}

function reasonOf(error: FastifySchemaValidationError): string {
  if (error.keyword === 'pattern' && (error.params as { pattern?: string }).pattern === NON_BLANK) return 'must not be blank';
  return error.message ?? 'is invalid';
}

/** The problem an error answers with: status, title, detail and, for fields, which and why. */
export function problemOf(error: FastifyError | ProblemError): Problem {
  if (error instanceof ProblemError) {
    const { retryAfter: _retryAfter, ...extras } = error.extras;
    return { ...problem(error.status, error.message), title: error.title, ...extras };
  }
  if (error.validation) {
    const invalid = error.validation.map((v) => ({ field: fieldOf(v), reason: reasonOf(v) }));
    return problem(400, `${invalid[0]?.field}: ${invalid[0]?.reason}`, { invalid_parameters: invalid });
  }
  const status = error.statusCode ?? 500;
  // 5xx messages may carry internals: hide them.
  return status >= 500 ? problem(500, 'An unexpected error occurred') : problem(status, error.message);
}

const pathOf = (request: FastifyRequest) => request.url.split('?')[0] ?? '/';

/** One error handler and one not-found handler for the whole app; every problem names its request's path. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler<FastifyError | ProblemError>((error, request, reply) => {
    const body = { ...problemOf(error), instance: pathOf(request) };
    if (body.status >= 500 && !(error instanceof ProblemError)) {
      // Only name, message and stack: an HTTP client error object holds request headers (tokens).
      request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'request failed');
    }
    if (error instanceof ProblemError && error.extras.retryAfter !== undefined) {
      reply.header('retry-after', String(error.extras.retryAfter));
    }
    return reply.code(body.status).type('application/problem+json').send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/problem+json')
      .send(problem(404, `no route for ${request.method} ${pathOf(request)}`, { instance: pathOf(request) })),
  );
}

/** What a request the router cannot take (an escape that does not decode, an overlong path segment) gets. */
const ROUTER_PROBLEMS: Record<string, [number, string]> = {
  FST_ERR_BAD_URL: [400, 'the URL holds an escape that does not decode'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'a path segment is too long'],
};

/**
 * The fastify options that make its own answers problems too: those it sends before any route or handler runs
 * (router refusals, and HTTP requests Node cannot parse). By default both are `application/json` bodies naming
 * fastify's error codes.
 */
export const problemServerOptions = {
  frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const [status, detail] = ROUTER_PROBLEMS[error.code] ?? [500, 'An unexpected error occurred'];
    return reply.code(status).type('application/problem+json').send(problem(status, detail, { instance: pathOf(request) }));
  },
  clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
    // A reset connection has no one to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify(problem(status, status === 400 ? 'the request is not valid HTTP' : STATUS_CODES[status]!.toLowerCase()));
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  },
};
