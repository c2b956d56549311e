/**
 * The browser harness itself catches what the page tests rely on it to catch: a CSP violation, a console error, a
 * request leaving loopback (aborted, never sent), a serious axe-core violation; and a clean page passes.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { expectAccessible, launchChromium, openWatchedPage, screenshot, type WatchedPage } from '../support/browser';

const CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

const document = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>harness</title></head><body><main>${body}</main></body></html>`;

/** Served without a CSP when `open`, so that the harness, not the page's policy, must stop what the page asks for. */
const routes: Record<string, { type: string; body: string; open?: true }> = {
  '/clean': { type: 'text/html', body: document('<h1>Clean</h1><label for="n">Name</label><input id="n">') },
  '/inline-script': { type: 'text/html', body: document('<h1>Inline</h1><script>document.title = "ran"</script>') },
  '/external': { type: 'text/html', body: document('<h1>External</h1><img alt="pixel" src="http://cdn.example/pixel.png">'), open: true },
  '/logs-error': { type: 'text/html', body: document('<h1>Logs</h1><script src="/logs-error.js"></script>') },
  '/logs-error.js': { type: 'text/javascript', body: 'console.error("something broke");' },
  '/missing-asset': { type: 'text/html', body: document('<h1>Missing</h1><img alt="gone" src="/gone.png">') },
  '/alerts': { type: 'text/html', body: document('<h1>Alerts</h1><script src="/alerts.js"></script>') },
  '/alerts.js': { type: 'text/javascript', body: 'alert("injected");' },
  '/unlabelled': { type: 'text/html', body: document('<h1>Unlabelled</h1><input type="text">') },
};

let server: http.Server;
let base: string;
let browser: Browser;
const opened: WatchedPage[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const route = routes[request.url ?? ''];
    if (!route) return void response.writeHead(404, { 'content-type': 'text/html' }).end(document('<h1>Not found</h1>'));
    response.writeHead(200, { 'content-type': route.type, ...(!route.open && { 'content-security-policy': CSP }) }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await Promise.all(opened.map((watched) => watched.context.close()));
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Browser events arrive on their own time: waits (up to 5 s) until `seen` holds. */
async function eventually(seen: () => boolean): Promise<void> {
  for (const started = Date.now(); !seen(); await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (Date.now() - started > 5000) throw new Error('not seen within 5 s');
  }
}

async function visit(route: string): Promise<WatchedPage> {
  const watched = await openWatchedPage(browser);
  opened.push(watched);
  await watched.page.goto(base + route, { waitUntil: 'load' });
  return watched;
}

test('a clean, labelled page passes every check and can be photographed', async () => {
  const watched = await visit('/clean');
  await expectAccessible(watched);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'harness-')), 'clean.png');
  await screenshot(watched.page, file);
  expect(fs.readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
  await watched.close();
});

test('an inline script refused by the CSP is a securitypolicyviolation problem, and the script did not run', async () => {
  const watched = await visit('/inline-script');
  await eventually(() => watched.problems().some((problem) => problem.startsWith('securitypolicyviolation')));
  expect(watched.problems().join('\n')).toContain('"directive":"script-src-elem"');
  expect(await watched.page.title()).toBe('harness');
  expect(() => watched.expectClean()).toThrow(/securitypolicyviolation/);
  await expect(watched.close()).rejects.toThrow(/securitypolicyviolation/);
});

test('a request for another host is aborted and recorded', async () => {
  const watched = await visit('/external');
  expect(watched.problems()).toContain('request leaving loopback: GET http://cdn.example/pixel.png');
  expect(watched.problems().join('\n')).toContain('net::ERR_BLOCKED_BY_CLIENT');
  await expect(expectAccessible(watched)).rejects.toThrow(/request leaving loopback/);
});

test('a console error is a problem', async () => {
  const watched = await visit('/logs-error');
  await eventually(() => watched.problems().includes(`console error on ${base}/logs-error: something broke`));
  expect(() => watched.expectClean()).toThrow(/something broke/);
});

test('a dialog is a problem, and is dismissed so that the page goes on', async () => {
  const watched = await visit('/alerts');
  expect(watched.problems()).toEqual([`dialog on ${base}/alerts: alert injected`]);
  expect(await watched.page.title()).toBe('harness');
});

test("an asset answered with an HTTP error is a problem; a page's own error status is the test's to check", async () => {
  const missing = await visit('/missing-asset');
  await eventually(() => missing.problems().includes(`404 for image ${base}/gone.png`));
  expect(missing.problems()).toHaveLength(1);
  const notFound = await openWatchedPage(browser);
  opened.push(notFound);
  expect((await notFound.page.goto(`${base}/no-such-page`))?.status()).toBe(404);
  await notFound.close();
});

test('a serious axe-core violation fails expectAccessible', async () => {
  const watched = await visit('/unlabelled');
  await expect(expectAccessible(watched)).rejects.toThrow(/critical label/);
});
