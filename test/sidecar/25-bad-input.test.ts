/**
 * Issue 12, bad input: 10,000 requests generated from the sidecar's own OpenAPI document, sent to a real listener
 * on both databases. Valid requests (ids of objects the fixtures created), the same mutated one field at a time,
 * random, oversized and wrongly typed bodies, duplicate and malformed headers, traversal and unicode in path ids;
 * some with the IdP failing (the local Okta-compatible server, faulted or down). Whatever comes in: no 500, no
 * internal detail in a body, every error a problem+json body, 2xx only for what the document allows, 502/503
 * only while the IdP fails, and the process still healthy afterwards.
 */
import fc from 'fast-check';
import { PORTAL } from '../../sidecar/defaults';
import { type OktaEmulatorFixture, startOktaEmulator } from '../support/okta-emulator';
import { type Operation, operationsOf } from '../support/openapi-operations';
import { type RawResponse, rawRequest } from '../support/raw-http';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { testDatabases } from '../support/sidecar-databases';
import { developer, oktaStrategy, selfManagedStrategy } from '../support/sidecar-fixtures';
import { type FieldValues, type JsonSchema, valueOf, wrongValueOf } from '../support/schema-arbitraries';

const SEED = Number(process.env.BAD_INPUT_SEED ?? 20261202);
const TOTAL = 10_000;

/** What the fixtures created: realistic ids for the generated requests. */
interface Pools {
  providers: string[];
  strategies: string[];
  /** Strategies a PATCH or DELETE may change (the others serve the applications' creations). */
  spareStrategies: string[];
  selfManagedStrategy: string;
  developers: string[];
  /** Developers whose token, status or existence a request may change (never the owner of the applications). */
  spareDevelopers: string[];
  applications: string[];
  /** Applications a request may delete, disable or enable. */
  spareApplications: string[];
  registrations: { application: string; registration: string }[];
  apis: string[];
  clientIds: string[];
  /** IdP clients no application holds yet, to claim. */
  freeClientIds: string[];
  services: string[];
}

interface Tokens {
  admin: string;
  gateway: string;
  /** The owner of every application in the pools. */
  developer: string;
}

type Kind = 'valid' | 'mutated field' | 'random body' | 'wrong body type' | 'oversized' | 'headers' | 'path id';

/** How a request is put on the wire, and what the document and the test say about it. */
interface Generated {
  kind: Kind;
  path: Record<string, string>;
  query: Record<string, string>;
  header: Record<string, string>;
  body?: unknown;
  /** Replaces the JSON of `body` on the wire (not JSON, or too large to build as a value). */
  rawBody?: string;
  auth: 'right' | 'none' | 'garbage' | 'wrong role';
  /** Extra header lines, malformed or repeated. */
  extraHeaders: string[];
  /** Whether the extra header lines leave the request as the document allows it. */
  headersKeepValid: boolean;
  /** Path segments as sent, where a path id was replaced by raw bytes (traversal, unicode, bad escapes). */
  rawPathIds?: Record<string, string>;
  idpFault?: 'down' | '500' | '503' | '429';
}

const lift = (pool: string[]) => fc.constantFrom(...pool);

/** The ids of existing objects for each path parameter, by operation: what a valid request names. */
function pathValues(op: Operation, pools: Pools): fc.Arbitrary<Record<string, string>> {
  const { method, template } = op;
  const spare = method === 'DELETE' || /\/(token|disable|enable)$/.test(template) || template.startsWith('/v3/portals/{portalId}/developers');
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const only = (values: Record<string, string>) => Object.fromEntries(names.map((name) => [name, values[name]!]));
  if (names.includes('rid') || names.includes('registrationId')) {
    return fc
      .constantFrom(...pools.registrations)
      .map(({ application, registration }) =>
        only({ id: application, rid: registration, applicationId: application, registrationId: registration, portalId: PORTAL.id }),
      );
  }
  const byName: Record<string, fc.Arbitrary<string>> = {
    portalId: fc.constant(PORTAL.id),
    developerId: lift(pools.spareDevelopers),
    client_id: lift(pools.clientIds),
  };
  const id = template.startsWith('/v2/dcr-providers')
    ? lift(pools.providers)
    : template.startsWith('/v2/application-auth-strategies')
      ? lift(method === 'GET' ? pools.strategies : pools.spareStrategies)
      : template.startsWith('/v2/developers')
        ? lift(spare || template.endsWith('/applications') ? pools.spareDevelopers : pools.developers)
        : template.startsWith('/v2/applications')
          ? lift(spare ? pools.spareApplications : pools.applications)
          : lift(pools.apis);
  return fc.record(Object.fromEntries(names.map((name) => [name, byName[name] ?? id])));
}

/** Realistic values of body and query fields, by name (others come from the schema). */
function fieldValues(op: Operation, pools: Pools, okta: OktaEmulatorFixture): FieldValues {
  const claim = op.template === '/v2/developers/{id}/applications';
  return {
    issuer: fc.constant(okta.issuer),
    provider_type: fc.constant('okta'),
    dcr_config: fc.constant({ dcr_token: okta.apiToken }),
    dcr_provider_id: fc.oneof(lift(pools.providers), fc.constant(undefined)),
    // The self-managed one for a claim, the one with the DCR provider for a creation.
    auth_strategy_id: fc.constant(claim ? pools.selfManagedStrategy : pools.strategies[0]!),
    auth_strategy_ids: fc.oneof(fc.constant([pools.strategies[0]!]), fc.constant([]), fc.constant(null)),
    auth_methods: fc.subarray(['client_credentials', 'bearer', 'introspection']),
    credential_claim: fc.constantFrom(['client_id'], ['sub'], undefined),
    scopes: fc.subarray(['api:read', 'api:write']),
    client_id: claim ? lift(pools.freeClientIds) : fc.constant(undefined),
    client_secret: fc.constant(undefined),
    redirect_uris: fc.constant(undefined),
    service: lift(pools.services),
    spec_content: fc.constantFrom(undefined, '{"openapi":"3.0.0","info":{"title":"orders","version":"1"},"paths":{}}'),
    'filter[developer_id]': lift(pools.developers),
    'filter[client_id]': lift(pools.clientIds),
    'filter[email]': fc.constant(undefined),
    'page[number]': fc.integer({ min: 1, max: 3 }),
    'page[size]': fc.integer({ min: 1, max: 100 }),
    grace_seconds: fc.integer({ min: 0, max: 3600 }),
    'idempotency-key': fc.oneof(fc.constant(undefined), fc.uuid()),
  };
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
const textRecord = (record: unknown) => Object.fromEntries(Object.entries(record as Record<string, unknown>).map(([name, value]) => [name, asText(value)]));

/** Path ids a router and a store must survive: traversal, NUL, bad escapes, unicode, overlong. */
const HOSTILE_PATH_IDS = [
  '..%2f..%2fetc%2fpasswd',
  '..%2F',
  '%2e%2e',
  '%00',
  'abc%00def',
  '%',
  '%zz',
  '%ED%A0%80',
  '%C0%AF',
  encodeURIComponent('ünïcödé'),
  encodeURIComponent('🦍💥'),
  encodeURIComponent('\u202Eevil'),
  'x'.repeat(5000),
  "'%20OR%201=1--",
];

/**
 * Header lines added after the request's own (so its Authorization comes first), repeated, malformed or refused by
 * HTTP itself; `keeps`: the request stays one the document allows. `dropAuth`: send a wrong token first.
 */
const HEADER_MUTATIONS: { lines: string[]; keeps: boolean; dropAuth?: boolean }[] = [
  // Node keeps the first of repeated Authorization and Content-Type lines, and joins other repeated headers.
  { lines: ['authorization: Bearer nobody-has-this'], keeps: true },
  { lines: ['authorization: Bearer nobody-has-this'], keeps: false, dropAuth: true },
  { lines: ['authorization: Basic YWRtaW46YWRtaW4='], keeps: false, dropAuth: true },
  { lines: ['authorization: Bearer \u00e9\u00e8\u00ff'], keeps: false, dropAuth: true },
  { lines: ['authorization: '], keeps: false, dropAuth: true },
  { lines: ['x-forwarded-for: 1.2.3.4, not-an-address, ::1'], keeps: true },
  { lines: ['x-request-id: ../../../etc/passwd'], keeps: true },
  { lines: ['this line has no colon'], keeps: false },
  { lines: ['x-control: a\u0001b'], keeps: false },
  { lines: ['bad header name: x'], keeps: false },
  { lines: ['content-length: 0', 'content-length: 7'], keeps: false },
  { lines: ['content-length: 0', 'transfer-encoding: chunked'], keeps: false },
  { lines: [`x-huge: ${'h'.repeat(20_000)}`], keeps: false },
  { lines: ['content-type: application/json; charset=utf-7'], keeps: true },
  { lines: ['accept: text/html;q=0.9, application/xml'], keeps: true },
  { lines: ['accept-encoding: gzip;q=abc'], keeps: true },
];

/**
 * The operations that call the IdP, where the test makes it fail. The reconcile too: it lists the clients of every
 * provider in turn (over a hundred here), but the faults answer at once (a dropped connection, a 5xx) or wait about
 * a second (a 429 once), not a deadline per provider: together they add some 10 s (SQLite) to 30 s (PostgreSQL) to
 * the run on a busy machine, and check that a failed listing is reported without a leak.
 */
const IDP_OPERATIONS = new Set([
  'POST /v2/applications',
  'DELETE /v2/applications/{id}',
  'POST /v2/applications/{id}/refresh-secret',
  'DELETE /v2/developers/{id}',
  'POST /v2/dcr-providers',
  'PATCH /v2/dcr-providers/{id}',
  'POST /v2/dcr-providers/{id}/verify',
  'GET /v2/reconcile',
  'POST /v2/reconcile',
]);

function requestsOf(op: Operation, pools: Pools, okta: OktaEmulatorFixture): fc.Arbitrary<Generated> {
  const fields = fieldValues(op, pools, okta);
  const queryFields = { ...fields, ...(op.name.includes('/audit-events') && { 'filter[resource_id]': fc.constant(undefined) }) };
  const valid = fc.record({
    path: pathValues(op, pools),
    query: valueOf(op.parts.query, queryFields).map(textRecord),
    header: valueOf(op.parts.header, fields).map(textRecord),
    body: op.body ? valueOf(op.body, fields) : fc.constant(undefined),
  });
  const idpFault = IDP_OPERATIONS.has(op.name)
    ? fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom<Generated['idpFault']>('down', '500', '503', '429') })
    : fc.constant(undefined);
  const base = fc.record({ valid, idpFault }).map(({ valid, idpFault }): Generated => ({
    kind: 'valid',
    ...valid,
    auth: 'right',
    extraHeaders: [],
    headersKeepValid: true,
    ...(idpFault && { idpFault }),
  }));
  const mutateField = (request: Generated): fc.Arbitrary<Generated> => {
    const targets: [keyof Pick<Generated, 'path' | 'query' | 'header' | 'body'>, string, JsonSchema][] = [];
    for (const part of ['path', 'query', 'header'] as const) {
      for (const [name, schema] of Object.entries(op.parts[part].properties ?? {})) targets.push([part, name, schema]);
    }
    for (const [name, schema] of Object.entries(op.body?.properties ?? {})) targets.push(['body', name, schema]);
    if (targets.length === 0) return fc.constant({ ...request, auth: 'garbage', kind: 'mutated field' });
    return fc.constantFrom(...targets).chain(([part, name, schema]) =>
      fc.oneof(wrongValueOf(schema), fc.constant(undefined)).map((value) => {
        const record = { ...(request[part] as Record<string, unknown>) };
        if (value === undefined) delete record[name];
        else record[name] = part === 'body' ? value : asText(value);
        return { ...request, kind: 'mutated field' as const, [part]: record };
      }),
    );
  };
  const bodies = op.body
    ? [
        {
          weight: 2,
          arbitrary: fc
            .oneof(fc.json().map((rawBody) => ({ rawBody })), fc.string().map((rawBody) => ({ rawBody })), fc.object().map((body) => ({ body })))
            .map((body) => ({ kind: 'random body' as const, ...body })),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom<unknown>([], 42, 'a string', true, null, [{ name: 'x' }])
            .map((body) => ({ kind: 'wrong body type' as const, body })),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(
              // Over the 1 MiB body limit, and within it but over every field's maximum length.
              `{"name":"${'n'.repeat(1_100_000)}"}`,
              JSON.stringify(Object.fromEntries(Object.keys(op.body.properties ?? {}).map((name) => [name, 'v'.repeat(300_000)]))),
              `[${'['.repeat(50_000)}${']'.repeat(50_000)}]`,
            )
            .map((rawBody) => ({ kind: 'oversized' as const, rawBody })),
        },
      ]
    : [];
  return base.chain((request) =>
    fc.oneof(
      { weight: 10, arbitrary: fc.constant(request) },
      { weight: 6, arbitrary: mutateField(request) },
      ...bodies.map(({ weight, arbitrary }) => ({
        weight,
        arbitrary: arbitrary.map(({ kind, ...body }) => ({ ...request, body: undefined, kind, ...body })),
      })),
      {
        weight: 2,
        arbitrary: fc.constantFrom(...HEADER_MUTATIONS).map((mutation) => ({
          ...request,
          kind: 'headers' as const,
          extraHeaders: mutation.lines,
          // Without a token to check, a wrong one changes nothing.
          headersKeepValid: mutation.keeps || (mutation.dropAuth === true && op.roles.length === 0),
          ...(mutation.dropAuth && { auth: 'garbage' as const }),
        })),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom<Generated['auth']>('none', 'garbage', 'wrong role').map((auth) => ({ ...request, kind: 'headers' as const, auth })),
      },
      ...(Object.keys(request.path).length
        ? [
            {
              weight: 2,
              arbitrary: fc
                .record({ name: fc.constantFrom(...Object.keys(request.path)), raw: fc.constantFrom(...HOSTILE_PATH_IDS) })
                .map(({ name, raw }) => ({ ...request, kind: 'path id' as const, rawPathIds: { [name]: raw } })),
            },
          ]
        : []),
    ),
  );
}

/** The bearer token a request carries. */
function tokenFor(op: Operation, request: Generated, tokens: Tokens): string | undefined {
  const roles = op.roles;
  if (request.auth === 'none' || roles.length === 0) return undefined;
  if (request.auth === 'garbage') return 'kdcr_dev_not-a-token';
  if (request.auth === 'wrong role') return roles.includes('gateway') ? tokens.admin : tokens.gateway;
  if (roles.includes('admin')) return tokens.admin;
  return roles.includes('developer') ? tokens.developer : tokens.gateway;
}

/** `undefined` where a raw path id has an escape that does not decode: no router can take it as a value. */
function decodedPath(request: Generated): Record<string, string> | undefined {
  const path = { ...request.path };
  for (const [name, raw] of Object.entries(request.rawPathIds ?? {})) {
    try {
      path[name] = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  return path;
}

/** Whether the document allows the request as it goes on the wire. */
function isValid(op: Operation, request: Generated): boolean {
  if ((request.auth !== 'right' && op.roles.length > 0) || !request.headersKeepValid) return false;
  const path = decodedPath(request);
  if (!path || Object.values(path).some((value) => value.includes('/'))) return false;
  let body = request.body;
  // A raw body can still be valid JSON of the right shape.
  if (request.rawBody !== undefined) {
    try {
      body = JSON.parse(request.rawBody);
    } catch {
      return false;
    }
  }
  return op.allows({ path, query: request.query, header: request.header, body });
}

function wireHead(op: Operation, request: Generated, token: string | undefined, payload: Buffer | undefined): string[] {
  const path = op.template.replace(/\{(\w+)\}/g, (_, name: string) => request.rawPathIds?.[name] ?? encodeURIComponent(request.path[name]!));
  const query = new URLSearchParams(request.query).toString();
  const lines = [`${op.method} ${path}${query ? `?${query}` : ''} HTTP/1.1`, 'host: 127.0.0.1'];
  if (token) lines.push(`authorization: Bearer ${token}`);
  for (const [name, value] of Object.entries(request.header)) lines.push(`${name}: ${value}`);
  if (payload) lines.push('content-type: application/json', `content-length: ${payload.length}`);
  // Header values are bytes: anything beyond latin1 goes as its UTF-8 bytes.
  return [...lines, ...request.extraHeaders].map((line) => Buffer.from(line, 'utf8').toString('latin1'));
}

const LEAKS: [string, RegExp][] = [
  ['a stack frame', /\n\s+at |\bat [\w.<>]+ \(|\(\/[^)]*:\d+:\d+\)/],
  ['a file path', /\/(work|home|usr|opt|srv|app)\/|node_modules|\.(ts|js|cjs|mjs):\d+/],
  ['an error name', /\b\w*Error:|\bERR_[A-Z_]+\b|\bFST_\w+/],
  ['SQL text', /\b(select|insert into|update|delete from)\b[\s\S]{0,80}\b(from|values|set|where)\b|\bSQLITE_\w+|sqlite|postgres|relation "|violates|syntax error at/i],
];

interface Tally {
  sent: number;
  passedValidation: number;
  succeeded: number;
  idpFailures: number;
}

/** Validation refusals: schema, authentication, body parsing and header limits. */
const REFUSALS = new Set([400, 401, 403, 413, 415, 431]);

describe.each(testDatabases)('bad input on %s', (_name, createDatabase) => {
  let okta: OktaEmulatorFixture;
  let sidecar: TestSidecar;
  let port: number;
  let pools: Pools;
  let tokens: Tokens;
  let operations: Operation[];

  beforeAll(async () => {
    okta = await startOktaEmulator();
    sidecar = await startTestSidecar(
      { idpTimeoutMs: 1_500, creationLimit: { count: 100_000, windowMs: 3_600_000 }, logLevel: 'warn' },
      createDatabase,
    );
    await sidecar.app.listen({ port: 0, host: '127.0.0.1' });
    port = (sidecar.app.server.address() as { port: number }).port;
    operations = operationsOf((await sidecar.app.inject({ url: '/docs/json' })).json());
    pools = await createFixtures(sidecar, okta);
    const owner = await developer(sidecar);
    tokens = { admin: sidecar.adminToken, gateway: sidecar.gatewayToken, developer: owner.token };
    await ownApplications(owner, pools);
  }, 120_000);
  afterAll(async () => {
    await sidecar?.close();
    await okta?.stop();
  });

  it(`answers ${TOTAL} generated requests (seed ${SEED}) without a 500, a leak or a non-problem error`, async () => {
    console.log(`bad input: fast-check seed ${SEED} (BAD_INPUT_SEED=${SEED} repeats this run)`);
    const perOperation = Math.ceil(TOTAL / operations.length);
    const batches = operations.map((op, index) =>
      fc.sample(requestsOf(op, pools, okta), { seed: SEED + index, numRuns: perOperation }).map((request) => ({ op, request })),
    );
    // Round robin over the operations: each request meets the state the others left.
    const queue = Array.from({ length: perOperation }, (_, i) => batches.map((batch) => batch[i]!)).flat().slice(0, TOTAL);
    const tallies = new Map<string, Tally>(operations.map((op) => [op.name, { sent: 0, passedValidation: 0, succeeded: 0, idpFailures: 0 }]));
    const failures: string[] = [];
    const answer = async ({ op, request }: (typeof queue)[number]) => {
      const response = await send(op, request);
      const tally = tallies.get(op.name)!;
      tally.sent += 1;
      if (!REFUSALS.has(response.status)) tally.passedValidation += 1;
      if (response.status >= 200 && response.status < 300) tally.succeeded += 1;
      if (request.idpFault && (response.status === 502 || response.status === 503)) tally.idpFailures += 1;
      const wrong = judge(op, request, response);
      if (wrong) failures.push(`${op.name} [${request.kind}${request.idpFault ? `, IdP ${request.idpFault}` : ''}]: ${wrong}\n  ${shown(op, request)}\n  -> ${response.status} ${response.body.slice(0, 300)}`);
    };
    // Four at a time while the IdP works; one at a time while it fails, so no other request meets that fault.
    let next = 0;
    const healthy = queue.filter(({ request }) => !request.idpFault);
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < healthy.length) await answer(healthy[next++]!);
      }),
    );
    for (const item of queue.filter(({ request }) => request.idpFault)) await answer(item);
    console.log(
      [
        'operation                                                     sent  passed validation  2xx  502/503 (IdP faulted)',
        ...[...tallies].map(
          ([name, t]) => `${name.padEnd(60)} ${String(t.sent).padStart(5)}  ${String(t.passedValidation).padStart(5)} (${String(Math.round((100 * t.passedValidation) / t.sent)).padStart(3)} %)  ${String(t.succeeded).padStart(5)}  ${String(t.idpFailures).padStart(5)}`,
        ),
      ].join('\n'),
    );
    const health = await rawRequest(port, ['GET /healthz HTTP/1.1', 'host: 127.0.0.1']);
    const ready = await rawRequest(port, ['GET /readyz HTTP/1.1', 'host: 127.0.0.1']);
    expect({ health: health.status, ready: ready.status }).toEqual({ health: 200, ready: 200 });
    expect(failures.slice(0, 15)).toEqual([]);
    const lowPass = [...tallies].filter(([, t]) => t.passedValidation < 0.2 * t.sent).map(([name, t]) => `${name}: ${t.passedValidation}/${t.sent}`);
    expect(lowPass).toEqual([]);
  }, 300_000);

  async function send(op: Operation, request: Generated): Promise<RawResponse> {
    const token = tokenFor(op, request, tokens);
    const payload = request.rawBody !== undefined ? Buffer.from(request.rawBody) : request.body !== undefined ? Buffer.from(JSON.stringify(request.body)) : undefined;
    if (request.idpFault === 'down') await okta.control.down();
    // A 500 every time; a 503 or 429 once (the sidecar's retry then gets through).
    else if (request.idpFault) await okta.control.fault({ path: '/oauth2', status: Number(request.idpFault), ...(request.idpFault !== '500' && { times: 1 }) });
    try {
      return await rawRequest(port, wireHead(op, request, token, payload), payload);
    } finally {
      if (request.idpFault === 'down') await okta.control.up();
      else if (request.idpFault) await okta.control.clearFaults();
    }
  }
});

/** What is wrong with an answer, or undefined. */
function judge(op: Operation, request: Generated, response: RawResponse): string | undefined {
  const { status, body } = response;
  if (status === 0) return `no answer ${body}`;
  if (status >= 500 && !(request.idpFault && (status === 502 || status === 503))) return `HTTP ${status}`;
  if (status >= 200 && status < 300 && !isValid(op, request)) return `HTTP ${status} to a request the document does not allow`;
  const leak = LEAKS.find(([, pattern]) => pattern.test(body));
  if (leak) return `the body holds ${leak[0]}`;
  if (status < 400) return undefined;
  if (!/^application\/problem\+json/.test(response.headers['content-type'] ?? '')) return `content-type ${response.headers['content-type']}`;
  let problem: { type?: unknown; title?: unknown; status?: unknown };
  try {
    problem = JSON.parse(body);
  } catch {
    return 'an error body that is not JSON';
  }
  // RFC 9457: no type means "about:blank"; a title and the status are what every problem of ours has.
  if (problem.status !== status || typeof problem.title !== 'string' || !(problem.type === undefined || typeof problem.type === 'string')) {
    return 'an error body that is not a problem';
  }
  return undefined;
}

function shown(op: Operation, request: Generated): string {
  const body = request.rawBody !== undefined ? request.rawBody : JSON.stringify(request.body);
  return `${op.method} ${JSON.stringify(request.rawPathIds ?? request.path)} query ${JSON.stringify(request.query)} headers ${JSON.stringify(request.header)} ${request.extraHeaders.map((line) => line.slice(0, 60)).join(' | ')} auth ${request.auth} body ${String(body).slice(0, 200)}`;
}

async function createFixtures(sidecar: TestSidecar, okta: OktaEmulatorFixture): Promise<Pools> {
  const created = async (url: string, payload: unknown) => {
    const response = await sidecar.admin({ method: 'POST', url, payload: payload as Record<string, unknown> });
    if (response.statusCode !== 201) throw new Error(`${url}: HTTP ${response.statusCode} ${response.body}`);
    return response.json().id as string;
  };
  const { providerId, strategyId } = await oktaStrategy(sidecar, okta);
  const spareProviders = await Promise.all(
    [1, 2, 3].map((i) => created('/v2/dcr-providers', { name: `spare-${i}`, provider_type: 'okta', issuer: okta.issuer, dcr_config: { dcr_token: okta.apiToken } })),
  );
  const selfManaged = await selfManagedStrategy(sidecar, okta.issuer);
  const spareStrategies = await Promise.all([1, 2, 3].map(() => selfManagedStrategy(sidecar, okta.issuer)));
  const spareDevelopers = (await Promise.all([1, 2, 3, 4, 5].map(() => developer(sidecar)))).map((dev) => dev.id);
  const freeClientIds = (await Promise.all([1, 2, 3, 4].map(() => okta.dcr.createClient()))).map((client) => client.client_id);
  const apis = await Promise.all(['orders', 'billing', 'inventory'].map((name) => created('/v3/apis', { name })));
  for (const api of apis) {
    const response = await sidecar.admin({ method: 'PUT', url: `/v3/apis/${api}/publications/${PORTAL.id}`, payload: { auth_strategy_ids: [strategyId] } });
    if (response.statusCode >= 300) throw new Error(`publish ${api}: HTTP ${response.statusCode} ${response.body}`);
  }
  return {
    providers: [providerId, ...spareProviders],
    strategies: [strategyId, selfManaged, ...spareStrategies],
    spareStrategies,
    selfManagedStrategy: selfManaged,
    developers: [...spareDevelopers],
    spareDevelopers,
    applications: [],
    spareApplications: [],
    registrations: [],
    apis,
    clientIds: [],
    freeClientIds,
    services: ['orders', 'billing', 'inventory'],
  };
}

/** The owner's applications (half of them spare) and their registrations, added to `pools`. */
async function ownApplications(owner: Awaited<ReturnType<typeof developer>>, pools: Pools): Promise<void> {
  pools.developers.push(owner.id);
  for (let i = 0; i < 16; i += 1) {
    const response = await owner.call({ method: 'POST', url: '/v2/applications', payload: { name: `app-${i}`, auth_strategy_id: pools.strategies[0] } });
    if (response.statusCode !== 201) throw new Error(`create application: HTTP ${response.statusCode} ${response.body}`);
    const { id, client_id } = response.json() as { id: string; client_id: string };
    (i % 2 ? pools.spareApplications : pools.applications).push(id);
    pools.clientIds.push(client_id);
    if (i % 2) continue;
    for (const service of pools.services.slice(0, 2)) {
      const registered = await owner.call({ method: 'POST', url: `/v2/applications/${id}/registrations`, payload: { service } });
      if (registered.statusCode !== 201) throw new Error(`register: HTTP ${registered.statusCode} ${registered.body}`);
      pools.registrations.push({ application: id, registration: registered.json().id as string });
    }
  }
}
