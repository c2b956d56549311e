/**
 * Debian's Chromium driven by playwright-core, for the page tests. Every page opened here is watched: a console
 * error, an uncaught page error, a `securitypolicyviolation` event, an asset or script call answered with an HTTP
 * error, a dialog (alert, confirm, prompt) or a request for anything but loopback is a problem, and `expectClean()` (also run by `close()` and `expectAccessible()`) fails the test with the list.
 * Requests that would leave loopback are aborted before they go anywhere, so a page can never reach outside.
 */
import type { AxeResults, ImpactValue } from 'axe-core';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Quiet, reproducible Chromium: no sandbox (tests run as root), no GPU, nothing phoned home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Page URLs that never touch the network, so they are not routed requests to judge. */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:']);

/** The axe impacts that fail a page. */
const FAILING_IMPACTS: ReadonlySet<ImpactValue> = new Set<ImpactValue>(['serious', 'critical']);

const HTTP_STATUS_MESSAGE = /^Failed to load resource: the server responded with a status of \d{3}/;

const CSP_BINDING = '__reportSecurityPolicyViolation';

/**
 * Runs in every document before its own scripts (Playwright's init scripts are not subject to the page's CSP) and
 * reports each violation through the exposed binding.
 */
const CSP_LISTENER = `document.addEventListener('securitypolicyviolation', (event) => {
  window.${CSP_BINDING}({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ':' + event.lineNumber,
    sample: event.sample,
  });
}, true);`;

/**
 * Headless Chromium. Playwright's launch gives each browser a fresh temporary user-data dir of its own (and
 * refuses a --user-data-dir argument), removed again on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Everything that went wrong since the page opened, one line each. */
  problems(): readonly string[];
  /** Throws with every problem seen so far. */
  expectClean(): void;
  /** Checks it is clean, then closes its context. */
  close(): Promise<void>;
}

export interface PageOptions {
  /** CSS pixels; a desktop width unless told. */
  viewport?: { width: number; height: number };
}

function isLoopback(url: string): boolean {
  const parsed = new URL(url);
  return LOCAL_SCHEMES.has(parsed.protocol) || LOOPBACK_HOSTS.has(parsed.hostname);
}

/** A page in a context of its own (its own cookies), watched for problems from its first request on. */
export async function openWatchedPage(browser: Browser, options: PageOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 } });
  const found: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    found.push(`request leaving loopback: ${route.request().method()} ${url}`);
    return route.abort('blockedbyclient');
  });
  await context.exposeBinding(CSP_BINDING, ({ page }, violation: Record<string, string>) => {
    found.push(`securitypolicyviolation on ${page.url()}: ${JSON.stringify(violation)}`);
  });
  await context.addInitScript({ content: CSP_LISTENER });
  context.on('console', (message) => {
    // Chromium logs every HTTP error status as a console error: a page's own status is the test's to check (a 404
    // page may be the point), an asset's is caught below.
    if (message.type() === 'error' && !HTTP_STATUS_MESSAGE.test(message.text())) {
      found.push(`console error on ${message.page()?.url()}: ${message.text()}`);
    }
  });
  context.on('response', (response) => {
    if (response.status() >= 400 && response.request().resourceType() !== 'document') {
      found.push(`${response.status()} for ${response.request().resourceType()} ${response.url()}`);
    }
  });
  // A dialog is how injected script usually shows itself (alert(1)): dismissed, and a problem.
  context.on('dialog', (dialog) => {
    found.push(`dialog on ${dialog.page()?.url()}: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  context.on('weberror', (error) => found.push(`page error on ${error.page()?.url()}: ${error.error().message}`));
  const page = await context.newPage();
  const expectClean = (): void => {
    if (found.length > 0) throw new Error(`the browser saw problems:\n${found.join('\n')}`);
  };
  return {
    page,
    context,
    problems: () => [...found],
    expectClean,
    close: async () => {
      expectClean();
      await context.close();
    },
  };
}

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The serious and critical axe-core violations of the page as it is now, one line each. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline script) does not stop axe loading.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  const results = (await page.evaluate('window.axe.run(document)')) as AxeResults;
  return results.violations
    .filter((violation) => violation.impact && FAILING_IMPACTS.has(violation.impact))
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Fails unless axe-core finds no serious or critical violation on the page and the page is clean so far. */
export async function expectAccessible(watched: WatchedPage): Promise<void> {
  const violations = await seriousAxeViolations(watched.page);
  if (violations.length > 0) throw new Error(`axe-core on ${watched.page.url()}:\n${violations.join('\n')}`);
  watched.expectClean();
}

/** A full-page PNG at `file` (its folder made if need be). */
export async function screenshot(page: Page, file: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
}
