/**
 * `npm run bench`: what okta-auth costs on Kong's gateway path, against a no-op plugin (test/fixtures/kong-plugins/
 * same-calls) making the same PDK calls with the same headers in the same plugin server. Writes bench/results.json
 * and BENCHMARKS.md; prints figures, asserts nothing. Targets 1-6 of issue 9; see BENCHMARKS.md for what each means.
 *
 * Method: the plugin server is pinned to core 0 and this process (Kong's side) to core 1 (taskset); each Kong-side
 * pool holds as many connections as requests in flight; every ratio is the median of ROUNDS interleaved rounds
 * (no-op, plugin, no-op, plugin, ...) with min and max; beside it, instructions per request of the plugin-server
 * process under valgrind's callgrind (perf's counter is not available here), which this shared machine's noise does
 * not move. Run after `npm run build`: node dist/bench/gateway-path.js (BENCH_QUICK=1: a short smoke run;
 * BENCH_ONLY=instructions,memory: only those phases, named as in bench/results.json; both report to a temporary
 * directory, never over the committed report).
 */
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify as rsaVerify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { KongPluginServerClient, spawnPluginServer, type GatewayRequest, type KongPlugin, type PluginServerProcess } from '../devstack/kong-rpc';
import { startOktaEmulator } from '../devstack/okta-emulator';
import { normaliseConfig } from '../plugins/okta-auth/config';
import { MAX_VERIFIED_TOKENS } from '../plugins/okta-auth/verified-tokens';
import { askCacheProbe } from './support/cache-probe';
import { verifyAccessToken } from '../plugins/okta-auth/verify';
import { instructionCounter, valgrindAvailable } from './support/callgrind';
import { percentile, round, spread, type Spread } from './support/figures';
import { startBenchIssuer, type BenchIssuer } from './support/issuer';
import { closedLoop, openLoop, type RequestSource } from './support/load';
import { writeReport, type PartialResults, type Results, type Verdict } from './support/report';

const ROOT = path.resolve(__dirname, '../..');
const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const ROUNDS = QUICK ? 3 : 7;
const PER_ROUND = QUICK ? 300 : 2000;
const FIRST_SIGHT_PER_ROUND = QUICK ? 200 : 1000;
const MEMORY_REQUESTS = QUICK ? 5_000 : 200_000;
// More distinct tokens than twice the cache bound: the cache fills, then evicts on every acceptance.
const MEMORY_TOKENS = QUICK ? 2 * MAX_VERIFIED_TOKENS + 500 : 3 * MAX_VERIFIED_TOKENS;
const INSTRUCTION_REQUESTS = QUICK ? 200 : 2000;
// Under valgrind the first key-set fetch (and its JIT) can outlast the default timeout_ms on a loaded machine.
const VALGRIND_TIMEOUT_MS = 30_000;
const SERVER_CORE = 0;
const CLIENT_CORE = 1;

const bearer = (token: string): GatewayRequest => ({ headers: { authorization: `Bearer ${token}` } });
const cycle = (requests: GatewayRequest[]): RequestSource => (i) => requests[i % requests.length] as GatewayRequest;

function pin(pid: number, core: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

interface Stack {
  server: PluginServerProcess;
  prefix: string;
  /** The Unix socket of the plugin server's cache probe (bench/support/cache-probe.ts). */
  cacheProbe: string;
  clients: Map<number, KongPluginServerClient>;
  client(inFlight: number): Promise<KongPluginServerClient>;
  stop(): Promise<void>;
}

async function startStack(command: string, options: { startTimeoutMs?: number } = {}): Promise<Stack> {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gateway-'));
  const plugins = path.join(prefix, 'plugins');
  fs.mkdirSync(plugins);
  fs.copyFileSync(path.join(ROOT, 'dist/kong-plugins/okta-auth.js'), path.join(plugins, 'okta-auth.js'));
  fs.copyFileSync(path.join(ROOT, 'test/fixtures/kong-plugins/same-calls/same-calls.js'), path.join(plugins, 'same-calls.js'));
  const cacheProbe = path.join(prefix, 'cache-probe.sock');
  const server = await spawnPluginServer({
    command,
    pluginsDir: plugins,
    prefix,
    env: {
      ...process.env,
      NODE_OPTIONS: `--expose-gc --require ${path.join(__dirname, 'support/cache-probe.js')}`,
      BENCH_CACHE_PROBE_SOCKET: cacheProbe,
    },
    startTimeoutMs: options.startTimeoutMs,
  });
  pin(server.pid, SERVER_CORE);
  const clients = new Map<number, KongPluginServerClient>();
  return {
    server,
    prefix,
    cacheProbe,
    clients,
    // Kong uses one socket per call in flight: the pool holds exactly as many.
    client: async (inFlight) => {
      let client = clients.get(inFlight);
      if (!client) {
        client = await KongPluginServerClient.connect({ socketPath: server.socketPath, poolSize: inFlight });
        clients.set(inFlight, client);
      }
      return client;
    },
    stop: async () => {
      for (const client of clients.values()) client.close();
      await server.stop();
      fs.rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** okta-auth and its same-calls no-op, for one kind of request. */
interface Pair {
  plugin: KongPlugin;
  noop: KongPlugin;
  expectProxied: boolean;
}

/** `timeoutMs`: okta-auth's timeout_ms, for a plugin server too slowed down (valgrind) to fetch keys in the default. */
function pairOn(client: KongPluginServerClient, issuer: BenchIssuer, refusal?: { challenge: string }, timeoutMs?: number): Pair {
  return {
    plugin: client.plugin('okta-auth', { issuer: issuer.issuer, scopes_required: ['api:read'], ...(timeoutMs && { timeout_ms: timeoutMs }) }, { serviceId: 'svc-bench' }),
    noop: client.plugin(
      'same-calls',
      refusal ? { refuse_status: 401, refuse_challenge: refusal.challenge } : { client_id: issuer.clientId, scope: 'api:read' },
      { serviceId: 'svc-bench' },
    ),
    expectProxied: refusal === undefined,
  };
}

interface RatioFigure {
  ratio: Spread;
  pluginPerSecond: Spread;
  noopPerSecond: Spread;
}

/** ROUNDS interleaved rounds, no-op first in each; `sources(round)` gives both sides the same requests. */
async function interleaved(pair: Pair, sources: (round: number) => RequestSource, count: number, inFlight: number): Promise<RatioFigure> {
  const ratios: number[] = [];
  const plugin: number[] = [];
  const noop: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const source = sources(r);
    const floor = await closedLoop(pair.noop, source, count, inFlight, pair.expectProxied);
    const measured = await closedLoop(pair.plugin, source, count, inFlight, pair.expectProxied);
    noop.push(floor);
    plugin.push(measured);
    ratios.push(measured / floor);
  }
  return { ratio: spread(ratios), pluginPerSecond: spread(plugin), noopPerSecond: spread(noop) };
}

async function warm(pair: Pair, requests: GatewayRequest[]): Promise<void> {
  await closedLoop(pair.plugin, cycle(requests), requests.length, 8, pair.expectProxied);
  await closedLoop(pair.noop, cycle(requests), Math.min(requests.length, 500), 8, pair.expectProxied);
}

function withSignatureFlipped(token: string): string {
  const [head, payload, signature] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  bytes[100] = (bytes[100] as number) ^ 0xff;
  return `${head}.${payload}.${bytes.toString('base64url')}`;
}

/** Target 1: valid Bearer tokens, seen before (few and 2x the cache bound) and never seen, at 8 and 32 in flight. */
async function validBearer(stack: Stack, issuer: BenchIssuer, log: (line: string) => void) {
  const repeat = Array.from({ length: 64 }, () => bearer(issuer.token()));
  const distinct = Array.from({ length: 2 * MAX_VERIFIED_TOKENS }, () => bearer(issuer.token()));
  const rows: Array<{ scenario: string; inFlight: number } & RatioFigure> = [];
  for (const inFlight of [8, 32]) {
    const pair = pairOn(await stack.client(inFlight), issuer);
    await warm(pair, repeat);
    await warm(pair, distinct);
    const fresh = Array.from({ length: ROUNDS }, () => Array.from({ length: FIRST_SIGHT_PER_ROUND }, () => bearer(issuer.token())));
    for (const [scenario, sources, count] of [
      ['warm: 64 tokens seen before', () => cycle(repeat), PER_ROUND],
      [`warm: ${distinct.length} distinct tokens seen before (2x the cache bound)`, () => cycle(distinct), PER_ROUND],
      ['first sight: tokens never seen before', (r: number) => cycle(fresh[r] as GatewayRequest[]), FIRST_SIGHT_PER_ROUND],
    ] as Array<[string, (r: number) => RequestSource, number]>) {
      const figure = await interleaved(pair, sources, count, inFlight);
      rows.push({ scenario, inFlight, ...figure });
      log(`  ${scenario}, ${inFlight} in flight: ratio ${figure.ratio.median.toFixed(3)} (${figure.ratio.min.toFixed(3)}..${figure.ratio.max.toFixed(3)})`);
    }
  }
  return rows;
}

/** The refusal classes of target 2, each with the challenge okta-auth answers (the no-op sends the same). */
function refusalClasses(issuer: BenchIssuer): Array<{ name: string; requests: GatewayRequest[]; challenge: string }> {
  const challenge = (description: string) => `Bearer realm="kong", error="invalid_token", error_description="${description}"`;
  return [
    { name: 'no credentials', requests: [{ headers: {} }], challenge: 'Bearer realm="kong"' },
    { name: 'malformed token', requests: [bearer('not-a-jwt')], challenge: challenge('malformed token') },
    { name: 'wrong issuer', requests: Array.from({ length: 64 }, () => bearer(issuer.token({ iss: 'https://evil.example.com' }))), challenge: challenge('unexpected issuer') },
    { name: 'bad signature, known kid', requests: Array.from({ length: 64 }, () => bearer(withSignatureFlipped(issuer.token()))), challenge: challenge('invalid signature') },
  ];
}

async function refusals(stack: Stack, issuer: BenchIssuer, log: (line: string) => void) {
  const client = await stack.client(8);
  const rows: Array<{ refusal: string } & RatioFigure> = [];
  for (const refusal of refusalClasses(issuer)) {
    const pair = pairOn(client, issuer, refusal);
    await warm(pair, refusal.requests);
    const figure = await interleaved(pair, () => cycle(refusal.requests), PER_ROUND, 8);
    rows.push({ refusal: refusal.name, ...figure });
    log(`  ${refusal.name}: ratio ${figure.ratio.median.toFixed(3)} (${figure.ratio.min.toFixed(3)}..${figure.ratio.max.toFixed(3)})`);
  }
  return rows;
}

/** Target 3: the in-process check, against the bare RS256 signature check of node:crypto. */
async function inProcess(issuer: BenchIssuer) {
  const config = normaliseConfig({ issuer: issuer.issuer, scopes_required: ['api:read'] });
  const repeatToken = issuer.token();
  await verifyAccessToken(repeatToken, config);
  const jwks = (await (await fetch(`${issuer.issuer}/v1/keys`)).json()) as { keys: Array<Record<string, unknown>> };
  const publicKey = createPublicKey({ key: jwks.keys[0] as never, format: 'jwk' });
  const [head, payload, signature] = repeatToken.split('.') as [string, string, string];
  const input = Buffer.from(`${head}.${payload}`);
  const signatureBytes = Buffer.from(signature, 'base64url');
  const count = PER_ROUND * 2;
  const timed = async (work: (i: number) => unknown): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < count; i++) await work(i);
    return ((performance.now() - started) * 1000) / count;
  };
  const bare: number[] = [];
  const repeat: number[] = [];
  const first: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const fresh = Array.from({ length: count }, () => issuer.token());
    bare.push(await timed(() => rsaVerify('RSA-SHA256', input, publicKey, signatureBytes)));
    repeat.push(await timed(() => verifyAccessToken(repeatToken, config)));
    first.push(await timed((i) => verifyAccessToken(fresh[i] as string, config)));
  }
  const speedup = (mine: number[]) => spread(bare.map((b, i) => b / (mine[i] as number)));
  return {
    microsecondsPerToken: { bareRs256: spread(bare), repeatToken: spread(repeat), firstSight: spread(first) },
    repeatSpeedupOverBare: speedup(repeat),
    firstSightSpeedOfBare: speedup(first),
  };
}

/** Target 4: IdP calls caused by Basic credentials, counted at the local Okta-compatible server. */
async function basicExchanges(stack: Stack) {
  const okta = await startOktaEmulator({ port: 0, dcrRateLimitPerMinute: 0 });
  const control = (route: string, method = 'GET') =>
    fetch(`${okta.orgUrl}/__emulator${route}`, { method, headers: { Authorization: `SSWS ${okta.apiToken}` } });
  const tokenCalls = async () => ((await (await control('/stats')).json()) as { token: number }).token;
  const newClient = async () => {
    const response = await fetch(`${okta.orgUrl}/oauth2/v1/clients`, {
      method: 'POST',
      headers: { Authorization: `SSWS ${okta.apiToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_name: 'bench', application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'], token_endpoint_auth_method: 'client_secret_basic' }),
    });
    return (await response.json()) as { client_id: string; client_secret: string };
  };
  const basic = (id: string, secret: string): GatewayRequest => ({ headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` } });
  try {
    const client = await stack.client(32);
    const plugin = client.plugin('okta-auth', { issuer: okta.issuer }, { serviceId: 'svc-basic' });
    const count = async (requests: RequestSource, n: number, inFlight: number) => {
      await control('/stats/reset', 'POST');
      const statuses = new Map<number, number>();
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < n) {
            const outcome = await plugin.access(requests(next++));
            const status = outcome.proxied ? 200 : (outcome.exit?.status ?? 0);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          }
        }),
      );
      return { requests: n, idpTokenCalls: await tokenCalls(), statuses: Object.fromEntries(statuses), seconds: round((performance.now() - started) / 1000) };
    };
    const same = await newClient();
    const sameCredentials = await count(() => basic(same.client_id, same.client_secret), 10_000, 8);
    const victim = await newClient();
    const wrongSecret = await count(() => basic(victim.client_id, 'wrong-secret'), 10_000, 8);
    // A second's worth of the overall exchange budget refills before the burst.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const many = await Promise.all(Array.from({ length: QUICK ? 100 : 1000 }, () => newClient()));
    const distinctClients = await count((i) => basic((many[i] as { client_id: string }).client_id, (many[i] as { client_secret: string }).client_secret), many.length, 32);
    return { sameCredentials, wrongSecret, distinctClients };
  } finally {
    await okta.close();
  }
}

/**
 * Target 5: plugin-server RSS and GC'd heap growth over MEMORY_REQUESTS refusals (every class, interleaved), then
 * MEMORY_REQUESTS acceptances cycling through MEMORY_TOKENS distinct tokens; the verified-token cache's size against
 * its bounds after each. ServerStats collects garbage first (--expose-gc), so RSS and heap are what is kept.
 */
async function memory(stack: Stack, issuer: BenchIssuer, log: (line: string) => void) {
  const client = await stack.client(32);
  const sample = async () => {
    const stats = (await client.call('plugin.ServerStats', null)) as { HeapUsed: number; Events: number; Instances: number };
    const cache = await askCacheProbe(stack.cacheProbe);
    return {
      rssMiB: round(rssKiB(stack.server.pid) / 1024, 1),
      heapMiB: round(stats.HeapUsed / 1048576, 1),
      events: stats.Events,
      cache: { entries: cache.entries, bytes: cache.bytes },
    };
  };
  const pair = pairOn(client, issuer);
  const tokens = Array.from({ length: MEMORY_TOKENS }, () => bearer(issuer.token()));
  const classes = refusalClasses(issuer).map((refusal) => ({ ...refusal, pair: pairOn(client, issuer, refusal) }));
  const refusalSource: RequestSource = (i) => {
    const refusal = classes[i % classes.length] as (typeof classes)[number];
    return refusal.requests[Math.floor(i / classes.length) % refusal.requests.length] as GatewayRequest;
  };
  // Warm-up: the baseline is taken once the JIT, the key set and the caches are in their steady state.
  await closedLoop(pair.plugin, cycle(tokens), tokens.length * 2, 32, true);
  for (const refusal of classes) await closedLoop(refusal.pair.plugin, cycle(refusal.requests), 2000, 32, false);
  const baseline = await sample();
  // The classes interleaved, each through the okta-auth instance refusing it; all share the module-level caches.
  const slice = 1000;
  for (let sent = 0; sent < MEMORY_REQUESTS; sent += slice * classes.length) {
    for (const [index, refusal] of classes.entries()) {
      await closedLoop(refusal.pair.plugin, (i) => refusalSource((sent / classes.length + i) * classes.length + index), slice, 32, false);
    }
  }
  const afterRefusals = await sample();
  log(`  after ${MEMORY_REQUESTS} refusals: ${JSON.stringify(afterRefusals)}`);
  await closedLoop(pair.plugin, cycle(tokens), MEMORY_REQUESTS, 32, true);
  const afterAcceptances = await sample();
  log(`  after ${MEMORY_REQUESTS} acceptances over ${tokens.length} tokens: ${JSON.stringify(afterAcceptances)}`);
  const bounds = await askCacheProbe(stack.cacheProbe);
  return {
    requestsEach: MEMORY_REQUESTS,
    distinctTokens: tokens.length,
    refusalClasses: classes.map((refusal) => refusal.name),
    cacheBound: { entries: bounds.maxEntries, bytes: bounds.maxBytes },
    baseline,
    afterRefusals,
    afterAcceptances,
    rssGrowthMiB: round(afterAcceptances.rssMiB - baseline.rssMiB, 1),
    heapGrowthMiB: round(afterAcceptances.heapMiB - baseline.heapMiB, 1),
  };
}

/** Target 6: latency added over the no-op, open loop at half the no-op's throughput measured just before. */
async function latency(stack: Stack, issuer: BenchIssuer) {
  const pair = pairOn(await stack.client(32), issuer);
  const tokens = Array.from({ length: 64 }, () => bearer(issuer.token()));
  await warm(pair, tokens);
  const throughputs: number[] = [];
  for (let r = 0; r < 3; r++) throughputs.push(await closedLoop(pair.noop, cycle(tokens), PER_ROUND, 32, true));
  const rate = Math.max(100, Math.floor(spread(throughputs).median / 2));
  const count = Math.floor(rate * (QUICK ? 1 : 4));
  const noop: Array<{ p50: number; p99: number }> = [];
  const plugin: Array<{ p50: number; p99: number }> = [];
  for (let r = 0; r < (QUICK ? 1 : 3); r++) {
    for (const [side, target] of [
      [pair.noop, noop],
      [pair.plugin, plugin],
    ] as const) {
      const latencies = await openLoop(side, cycle(tokens), count, rate, true);
      target.push({ p50: percentile(latencies, 50), p99: percentile(latencies, 99) });
    }
  }
  const medianOf = (list: Array<{ p50: number; p99: number }>, key: 'p50' | 'p99') => spread(list.map((entry) => entry[key])).median;
  return {
    requestsPerSecond: rate,
    requestsPerRound: count,
    noopMs: { p50: round(medianOf(noop, 'p50'), 3), p99: round(medianOf(noop, 'p99'), 3) },
    pluginMs: { p50: round(medianOf(plugin, 'p50'), 3), p99: round(medianOf(plugin, 'p99'), 3) },
    addedMs: { p50: round(medianOf(plugin, 'p50') - medianOf(noop, 'p50'), 3), p99: round(medianOf(plugin, 'p99') - medianOf(noop, 'p99'), 3) },
  };
}

/** Instructions per request of the plugin server, under callgrind, for the main classes. */
async function instructions(issuer: BenchIssuer, log: (line: string) => void) {
  if (!valgrindAvailable()) return { available: false as const, reason: 'valgrind is not installed' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-callgrind-'));
  const counter = instructionCounter(dir, path.join(ROOT, 'dist/bin/okta-auth-pluginserver'));
  const stack = await startStack(counter.command, { startTimeoutMs: 180_000 });
  try {
    const client = await stack.client(8);
    const pass = pairOn(client, issuer, undefined, VALGRIND_TIMEOUT_MS);
    const repeat = Array.from({ length: 64 }, () => bearer(issuer.token()));
    const fresh = Array.from({ length: INSTRUCTION_REQUESTS }, () => bearer(issuer.token()));
    const perRequest = async (plugin: KongPlugin, requests: GatewayRequest[], expectProxied: boolean) => {
      // Warm: under valgrind the JIT's first compilations cost more than the requests being measured.
      await closedLoop(plugin, cycle(requests), QUICK ? 300 : 1500, 8, expectProxied);
      const total = await counter.measure(stack.server.pid, async () => {
        await closedLoop(plugin, cycle(requests), INSTRUCTION_REQUESTS, 8, expectProxied);
      });
      return Math.round(total / INSTRUCTION_REQUESTS);
    };
    const rows: Record<string, { plugin: number; noop: number; ratio: number }> = {};
    const measureRow = async (name: string, pair: Pair, pluginRequests: GatewayRequest[], noopRequests = pluginRequests) => {
      const noop = await perRequest(pair.noop, noopRequests, pair.expectProxied);
      const plugin = await perRequest(pair.plugin, pluginRequests, pair.expectProxied);
      rows[name] = { plugin, noop, ratio: round(noop / plugin, 3) };
      log(`  ${name}: ${plugin} instructions/request, no-op ${noop}, ratio ${rows[name]?.ratio}`);
    };
    await measureRow('valid Bearer, warm', pass, repeat);
    // The no-op gets the same (never seen) tokens; the plugin gets another batch of never-seen ones.
    await measureRow('valid Bearer, first sight', pass, fresh, repeat);
    for (const refusal of refusalClasses(issuer)) await measureRow(`refused: ${refusal.name}`, pairOn(client, issuer, refusal, VALGRIND_TIMEOUT_MS), refusal.requests);
    return { available: true as const, requestsPerFigure: INSTRUCTION_REQUESTS, rows };
  } finally {
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const pinned = pin(process.pid, CLIENT_CORE);
  const issuer = await startBenchIssuer();
  const stack = await startStack(path.join(ROOT, 'dist/bin/okta-auth-pluginserver'));
  const results: Partial<Results> = {
    machine: { cpus: os.cpus().length, node: process.version, date: new Date().toISOString(), pinned, quick: QUICK },
    method: { rounds: ROUNDS, requestsPerRound: PER_ROUND, firstSightRequestsPerRound: FIRST_SIGHT_PER_ROUND, cacheBound: MAX_VERIFIED_TOKENS },
  };
  // A smoke run or a run of some phases is not the measurement: its report goes to a temporary directory, never
  // over the committed one.
  const scratch = QUICK || ONLY !== undefined;
  const out = scratch ? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-quick-')) : ROOT;
  const files = { json: path.join(out, scratch ? 'results.json' : 'bench/results.json'), markdown: path.join(out, 'BENCHMARKS.md'), notes: path.join(ROOT, 'bench/benchmark-notes.md') };
  // Each phase's figures are kept as soon as they exist: a run cut short still leaves what it measured.
  const phase = async <K extends keyof Results>(title: string, key: K, run: () => Promise<Results[K]>) => {
    if (ONLY && !ONLY.includes(key)) return;
    log(title);
    results[key] = await run();
    log(`  ${JSON.stringify(results[key])}`);
    fs.writeFileSync(files.json, `${JSON.stringify({ ...results, partial: true }, null, 2)}\n`);
  };
  try {
    await phase('target 1: valid Bearer', 'validBearer', () => validBearer(stack, issuer, log));
    await phase('target 2: refusals', 'refusals', () => refusals(stack, issuer, log));
    await phase('target 3: in-process', 'inProcess', () => inProcess(issuer));
    await phase('instructions per request (callgrind)', 'instructions', () => instructions(issuer, log));
    await phase('target 4: Basic exchanges', 'basic', () => basicExchanges(stack));
    await phase('target 6: latency', 'latency', () => latency(stack, issuer));
    await phase('target 5: memory', 'memory', () => memory(stack, issuer, log));
  } finally {
    await stack.stop();
  }
  await issuer.close();
  const verdicts: Verdict[] = writeReport(results as Results, files);
  log(`report: ${files.markdown}`);
  const label = (met: Verdict['met']) => (met === 'reported' ? 'REPORTED' : met ? 'MET     ' : 'NOT MET ');
  for (const verdict of verdicts) log(`${label(verdict.met)} target ${verdict.target}: ${verdict.figure}`);
}

/** `--report-only`: BENCHMARKS.md again from bench/results.json, e.g. after a run that was cut short. */
function reportOnly(): void {
  const json = path.join(ROOT, 'bench/results.json');
  const results = JSON.parse(fs.readFileSync(json, 'utf8')) as PartialResults;
  writeReport(results, { json, markdown: path.join(ROOT, 'BENCHMARKS.md'), notes: path.join(ROOT, 'bench/benchmark-notes.md') });
}

if (process.argv.includes('--report-only')) reportOnly();
else main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
