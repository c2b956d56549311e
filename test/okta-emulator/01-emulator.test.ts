import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';

import { EMULATOR_MAIN, startOktaEmulator, type OktaEmulatorFixture } from '../support/okta-emulator';

const M2M = {
  client_name: 'kong consumer app',
  application_type: 'service',
  grant_types: ['client_credentials'],
  response_types: ['token'],
  token_endpoint_auth_method: 'client_secret_basic',
  redirect_uris: [],
};

let okta: OktaEmulatorFixture;

beforeAll(async () => {
  okta = await startOktaEmulator({ scopes: ['api:read', 'api:write'] });
});
afterAll(() => okta?.stop());
afterEach(async () => {
  await okta.control.up();
  await okta.control.clearFaults();
});

async function jwks(): Promise<JSONWebKeySet> {
  return (await okta.http.get(okta.jwksUri)).data as JSONWebKeySet;
}

async function newClient() {
  const client = await okta.dcr.createClient();
  return { id: client.client_id, secret: client.client_secret! };
}

const okError = (errorCode: string) => ({
  errorCode,
  errorSummary: expect.any(String),
  errorLink: errorCode,
  errorId: expect.stringMatching(/^oae\w+$/),
  errorCauses: [],
});

describe('the CLI', () => {
  function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [EMULATOR_MAIN], { env: { ...process.env, OKTA_EMULATOR_PORT: '0', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
        if (stdout.includes('\n')) child.kill('SIGTERM');
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('prints only the ready line on stdout, with the generated API token, and exits cleanly on SIGTERM', async () => {
    const { code, stdout, stderr } = await run({});
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const ready = JSON.parse(lines[0]!);
    expect(ready).toEqual({
      event: 'ready',
      issuer: `http://127.0.0.1:${ready.port}/oauth2/default`,
      port: expect.any(Number),
      apiToken: expect.stringMatching(/^00\S{40}$/),
    });
    expect(stderr).toContain('okta-emulator: issuer');
  });

  it('leaves a given API token out of the ready line', async () => {
    const { stdout } = await run({ OKTA_EMULATOR_API_TOKEN: 'given-token' });
    expect(JSON.parse(stdout.split('\n')[0]!)).not.toHaveProperty('apiToken');
  });

  it('exits 1 naming the port and OKTA_EMULATOR_PORT when the port is taken', async () => {
    const { code, stdout, stderr } = await run({ OKTA_EMULATOR_PORT: String(okta.port) });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`okta-emulator: port ${okta.port} on 127.0.0.1 is already in use: choose another OKTA_EMULATOR_PORT`);
  });

  it.each([
    ['OKTA_EMULATOR_PORT', 'abc'],
    ['OKTA_EMULATOR_PORT', '70000'],
    ['OKTA_EMULATOR_DCR_RATE_LIMIT', '-1'],
    ['OKTA_EMULATOR_SCOPES', 'api:read,bad"scope'],
  ])('exits 1 naming %s when it is %s', async (name, value) => {
    const { code, stdout, stderr } = await run({ [name]: value });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(name);
  });
});

describe('discovery', () => {
  it.each(['openid-configuration', 'oauth-authorization-server'])(
    'serves /.well-known/%s with the token, keys and org-wide registration endpoints',
    async (doc) => {
      const { status, data } = await okta.http.get(`${okta.issuer}/.well-known/${doc}`);
      expect(status).toBe(200);
      expect(data).toMatchObject({
        issuer: okta.issuer,
        token_endpoint: `${okta.issuer}/v1/token`,
        jwks_uri: `${okta.issuer}/v1/keys`,
        registration_endpoint: `${okta.orgUrl}/oauth2/v1/clients`,
        grant_types_supported: expect.arrayContaining(['client_credentials']),
        token_endpoint_auth_methods_supported: expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
        scopes_supported: expect.arrayContaining(['api:read', 'api:write']),
      });
    },
  );
});

describe('/v1/keys', () => {
  it('publishes ACTIVE and NEXT RSA keys with a Cache-Control max-age', async () => {
    const response = await okta.http.get(okta.jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toMatch(/max-age=\d+/);
    const { keys } = response.data as JSONWebKeySet;
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(keys.length).toBeLessThanOrEqual(3);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    }
    const summary = await okta.control.keys();
    expect(summary.keys.map((k) => k.kid).sort()).toEqual(keys.map((k) => k.kid).sort());
    expect(summary.keys.filter((k) => k.status === 'ACTIVE')).toHaveLength(1);
  });
});

describe('the DCR API', () => {
  it('creates a service client with a secret, echoing its metadata', async () => {
    const response = await okta.dcr.request('POST', '', M2M);
    expect(response.status).toBe(201);
    const now = Math.floor(Date.now() / 1000);
    expect(response.data).toMatchObject({
      ...M2M,
      client_id: expect.stringMatching(/^0oa[A-Za-z0-9]{17}$/),
      client_secret: expect.stringMatching(/^[\w-]{40,}$/),
      client_secret_expires_at: 0,
    });
    expect(Math.abs(response.data.client_id_issued_at - now)).toBeLessThanOrEqual(5);
    expect(response.data).not.toHaveProperty('registration_access_token');
  });

  it('returns 400 invalid_client_metadata naming the field when client_name is blank', async () => {
    const response = await okta.dcr.request('POST', '', { ...M2M, client_name: '  ' });
    expect(response.status).toBe(400);
    expect(response.data).toEqual({
      error: 'invalid_client_metadata',
      error_description: 'client_name: The field cannot be left blank',
    });
  });

  it('returns 400 invalid_client_metadata when a service app asks for another grant type', async () => {
    const response = await okta.dcr.request('POST', '', { ...M2M, grant_types: ['authorization_code'] });
    expect(response.status).toBe(400);
    expect(response.data.error).toBe('invalid_client_metadata');
    expect(response.data.error_description).toMatch(/^grant_types: /);
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong SSWS token', 'SSWS wrong'],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
  ])('returns 401 E0000011 with %s', async (_what, authorization) => {
    const response = await okta.http.post('/oauth2/v1/clients', M2M, {
      headers: authorization ? { Authorization: authorization } : {},
    });
    expect(response.status).toBe(401);
    expect(response.data).toEqual({ ...okError('E0000011'), errorSummary: 'Invalid token provided' });
  });

  it('accepts the API token as a Bearer token too', async () => {
    const response = await okta.http.get('/oauth2/v1/clients', { headers: { Authorization: `Bearer ${okta.apiToken}` } });
    expect(response.status).toBe(200);
  });

  it('gets one client without its secret', async () => {
    const { id } = await newClient();
    const response = await okta.dcr.request('GET', `/${id}`);
    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ client_id: id, application_type: 'service', client_secret_expires_at: 0 });
    expect(response.data).not.toHaveProperty('client_secret');
  });

  it.each(['GET', 'DELETE', 'PUT'] as const)('returns 401 invalid_client on %s of an unknown client', async (method) => {
    const response = await okta.dcr.request(method, '/0oaunknownunknown123', method === 'PUT' ? M2M : undefined);
    expect(response.status).toBe(401);
    expect(response.data).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
  });

  it('lists clients by client_name prefix, paging with the Link header', async () => {
    const prefix = `paging-${Date.now()}`;
    const created = [];
    for (let i = 0; i < 5; i += 1) created.push(await okta.dcr.createClient({ ...M2M, client_name: `${prefix} ${i}` }));
    await okta.dcr.createClient({ ...M2M, client_name: `other ${prefix}` });

    const seen: string[] = [];
    let next: string | undefined = `/oauth2/v1/clients?q=${encodeURIComponent(prefix)}&limit=2`;
    let pages = 0;
    while (next) {
      const response = await okta.http.get(next, { headers: { Authorization: `SSWS ${okta.apiToken}` } });
      expect(response.status).toBe(200);
      pages += 1;
      for (const client of response.data) {
        expect(client).not.toHaveProperty('client_secret');
        seen.push(client.client_id);
      }
      const link = /<([^>]+)>; rel="next"/.exec(response.headers.link ?? '');
      next = link?.[1];
      expect(response.headers.link).toContain('rel="self"');
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(created.map((c) => c.client_id));
  });

  it('replaces a client entirely on PUT, keeping its id and secret', async () => {
    const created = await okta.dcr.createClient({ ...M2M, client_uri: 'https://example.com' });
    const response = await okta.dcr.request('PUT', `/${created.client_id}`, { ...M2M, client_name: 'renamed' });
    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ client_id: created.client_id, client_name: 'renamed' });
    expect(response.data).not.toHaveProperty('client_uri');
    expect(response.data).not.toHaveProperty('client_secret');
    expect((await okta.dcr.request('GET', `/${created.client_id}`)).data.client_name).toBe('renamed');
    await expect(okta.token(created.client_id, created.client_secret!)).resolves.toEqual(expect.any(String));
  });

  it('refuses to change application_type on PUT', async () => {
    const { id } = await newClient();
    const response = await okta.dcr.request('PUT', `/${id}`, { ...M2M, application_type: 'web', grant_types: ['authorization_code'], redirect_uris: ['https://app.example.com/cb'] });
    expect(response.status).toBe(400);
    expect(response.data.error_description).toMatch(/^application_type: /);
  });

  it('issues a new secret on lifecycle/newSecret, after which the old secret fails at /v1/token', async () => {
    const { id, secret } = await newClient();
    await okta.token(id, secret);
    const response = await okta.dcr.request('POST', `/${id}/lifecycle/newSecret`);
    expect(response.status).toBe(200);
    expect(response.data.client_id).toBe(id);
    expect(response.data.client_secret).toEqual(expect.any(String));
    expect(response.data.client_secret).not.toBe(secret);
    expect((await okta.tokenResponse(id, secret)).status).toBe(401);
    await expect(okta.token(id, response.data.client_secret)).resolves.toEqual(expect.any(String));
  });

  it('returns 404 E0000007 on newSecret of an unknown client', async () => {
    const response = await okta.dcr.request('POST', '/0oaunknownunknown123/lifecycle/newSecret');
    expect(response.status).toBe(404);
    expect(response.data).toEqual(okError('E0000007'));
    expect(response.data.errorSummary).toMatch(/^Not found: Resource not found: /);
  });

  it('deletes a client with 204, after which it is gone and its credentials fail', async () => {
    const { id, secret } = await newClient();
    const response = await okta.dcr.request('DELETE', `/${id}`);
    expect(response.status).toBe(204);
    expect(response.data).toBe('');
    expect((await okta.dcr.request('GET', `/${id}`)).status).toBe(401);
    expect((await okta.tokenResponse(id, secret)).status).toBe(401);
  });
});

describe('a data directory', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-emulator-data-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps clients, rotated secrets and signing keys across a restart, owner-only and without a secret in clear', async () => {
    const first = await startOktaEmulator({ dataDir });
    let kept: { id: string; secret: string };
    let rotated: { id: string; secret: string };
    let deleted: string;
    let tokenBefore: string;
    let keysBefore: unknown;
    try {
      const client = await first.dcr.createClient();
      kept = { id: client.client_id, secret: client.client_secret! };
      const other = await first.dcr.createClient();
      const renewed = await first.dcr.request('POST', `/${other.client_id}/lifecycle/newSecret`);
      rotated = { id: other.client_id, secret: renewed.data.client_secret as string };
      deleted = (await first.dcr.createClient()).client_id;
      expect((await first.dcr.request('DELETE', `/${deleted}`)).status).toBe(204);
      await first.control.promoteKey();
      await first.control.nextKey();
      keysBefore = await first.control.keys();
      tokenBefore = await first.token(kept.id, kept.secret);
    } finally {
      await first.stop();
    }

    const onDisk = ['clients.json', 'keys.json'].map((name) => path.join(dataDir, name));
    for (const file of onDisk) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dataDir).sort()).toEqual(['clients.json', 'keys.json']);
    const clientsFile = fs.readFileSync(onDisk[0]!, 'utf8');
    expect(clientsFile).toContain(kept.id);
    expect(clientsFile).not.toContain(kept.secret);
    expect(clientsFile).not.toContain(rotated.secret);
    expect(clientsFile).not.toContain(deleted);

    const second = await startOktaEmulator({ dataDir });
    try {
      expect(await second.control.keys()).toEqual(keysBefore);
      const keySet = createLocalJWKSet((await second.http.get(second.jwksUri)).data as JSONWebKeySet);
      await expect(jwtVerify(tokenBefore, keySet)).resolves.toBeDefined();
      await expect(second.token(kept.id, kept.secret)).resolves.toEqual(expect.any(String));
      await expect(second.token(rotated.id, rotated.secret)).resolves.toEqual(expect.any(String));
      expect((await second.tokenResponse(kept.id, 'not-the-secret')).status).toBe(401);
      expect((await second.dcr.request('GET', `/${kept.id}`)).data).toMatchObject({ client_id: kept.id, client_name: expect.any(String) });
      expect((await second.dcr.request('GET', `/${deleted}`)).status).toBe(401);
    } finally {
      await second.stop();
    }
  });

  it('exits 1 naming the file when a state file is not the emulator\'s', async () => {
    fs.writeFileSync(path.join(dataDir, 'keys.json'), '{"keys": "nope"}');
    await expect(startOktaEmulator({ dataDir, startTimeoutMs: 10_000 })).rejects.toThrow(/keys\.json does not hold the emulator's keys/);
  });
});

describe('the DCR rate limit', () => {
  let limited: OktaEmulatorFixture;
  beforeAll(async () => {
    limited = await startOktaEmulator({ dcrRateLimitPerMinute: 3 });
  });
  afterAll(() => limited?.stop());

  it('counts down X-Rate-Limit-Remaining on every answer, then answers 429 E0000047 with the headers', async () => {
    const before = Date.now();
    const unauthenticated = await limited.http.get('/oauth2/v1/clients');
    const after = Date.now();
    const responses = [unauthenticated, await limited.dcr.request('GET'), await limited.dcr.request('POST', '', M2M)];
    expect(responses.map((r) => r.status)).toEqual([401, 200, 201]);
    for (const response of responses) expect(response.headers['x-rate-limit-limit']).toBe('3');
    expect(responses.map((r) => r.headers['x-rate-limit-remaining'])).toEqual(['2', '1', '0']);

    const response = await limited.dcr.request('POST', '', M2M);
    expect(response.status).toBe(429);
    expect(response.data).toEqual({
      ...okError('E0000047'),
      errorSummary: 'API call exceeded rate limit due to too many requests.',
    });
    expect(response.headers['x-rate-limit-limit']).toBe('3');
    expect(response.headers['x-rate-limit-remaining']).toBe('0');
    const reset = Number(response.headers['x-rate-limit-reset']);
    // The window opened with the first request and lasts a minute.
    expect(reset).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 60);
    expect(reset).toBeLessThanOrEqual(Math.ceil(after / 1000) + 60);
  });
});

describe('/v1/token', () => {
  it('issues an Okta-shaped RS256 access token signed by the ACTIVE key', async () => {
    const { id, secret } = await newClient();
    const response = await okta.tokenResponse(id, secret, 'api:read');
    expect(response.status).toBe(200);
    expect(response.data).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'api:read',
    });
    const token = response.data.access_token as string;

    const header = decodeProtectedHeader(token);
    expect(header).toEqual({ kid: expect.any(String), alg: 'RS256' });
    const active = (await okta.control.keys()).keys.find((k) => k.status === 'ACTIVE')!;
    expect(header.kid).toBe(active.kid);

    const { payload } = await jwtVerify(token, createLocalJWKSet(await jwks()), {
      issuer: okta.issuer,
      audience: 'api://default',
      algorithms: ['RS256'],
    });
    expect(payload).toEqual({
      ver: 1,
      jti: expect.any(String),
      iss: okta.issuer,
      aud: 'api://default',
      iat: expect.any(Number),
      exp: payload.iat! + 3600,
      cid: id,
      scp: ['api:read'],
      sub: id,
      client_id: id,
    });
  });

  it('grants the default scope when no scope is requested', async () => {
    const { id, secret } = await newClient();
    const response = await okta.tokenResponse(id, secret);
    expect(response.status).toBe(200);
    expect(response.data.scope).toBe('api:read');
    expect(decodeJwt(response.data.access_token).scp).toEqual(['api:read']);
  });

  it('grants several scopes as an array in scp', async () => {
    const { id, secret } = await newClient();
    const token = await okta.token(id, secret, 'api:write api:read');
    expect(decodeJwt(token).scp).toEqual(['api:write', 'api:read']);
  });

  it('accepts client_secret_post', async () => {
    const { id, secret } = await newClient();
    const response = await okta.http.post(
      okta.tokenEndpoint,
      new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
    );
    expect(response.status).toBe(200);
    expect(decodeJwt(response.data.access_token).cid).toBe(id);
  });

  it.each(['unknown:scope', 'api:read unknown:scope', 'openid'])('returns 400 invalid_scope for scope "%s"', async (scope) => {
    const { id, secret } = await newClient();
    const response = await okta.tokenResponse(id, secret, scope);
    expect(response.status).toBe(400);
    expect(response.data).toEqual({ error: 'invalid_scope', error_description: expect.any(String) });
  });

  it('returns 401 invalid_client for a wrong secret and for an unknown client', async () => {
    const { id } = await newClient();
    for (const [clientId, secret] of [[id, 'wrong'], ['0oaunknownunknown123', 'whatever']] as const) {
      const response = await okta.tokenResponse(clientId, secret);
      expect(response.status).toBe(401);
      expect(response.data).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    }
  });
});

describe('key rotation', () => {
  it('publishes a NEXT key ahead, and signs with it only once promoted, keeping the old key as EXPIRED', async () => {
    const { id, secret } = await newClient();
    const before = (await okta.control.keys()).keys.find((k) => k.status === 'ACTIVE')!.kid;

    const afterNext = await okta.control.nextKey();
    const next = afterNext.keys.find((k) => k.status === 'NEXT')!.kid;
    expect((await jwks()).keys.map((k) => k.kid)).toContain(next);
    expect(decodeProtectedHeader(await okta.token(id, secret)).kid).toBe(before);

    const afterPromote = await okta.control.promoteKey();
    expect(afterPromote.keys).toEqual(
      expect.arrayContaining([
        { kid: next, status: 'ACTIVE' },
        { kid: before, status: 'EXPIRED' },
      ]),
    );
    const token = await okta.token(id, secret);
    expect(decodeProtectedHeader(token).kid).toBe(next);
    const published = await jwks();
    expect(published.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([next, before]));
    expect(published.keys.length).toBeLessThanOrEqual(3);
    await jwtVerify(token, createLocalJWKSet(published));
  });

  it('answers 400 on promote without a NEXT key', async () => {
    await okta.control.emergencyRotate();
    const summary = await okta.control.keys();
    if (summary.keys.some((k) => k.status === 'NEXT')) await okta.control.promoteKey();
    const response = await okta.http.post('/__emulator/keys/promote', undefined, {
      headers: { Authorization: `SSWS ${okta.apiToken}` },
    });
    expect(response.status).toBe(400);
    expect(response.data).toEqual({
      error: 'invalid_request',
      error_description: 'there is no NEXT key to promote: POST /__emulator/keys/next first',
    });
  });

  it('switches to a never-published key at once on an emergency rotation', async () => {
    const { id, secret } = await newClient();
    const published = (await jwks()).keys.map((k) => k.kid);
    const before = (await okta.control.keys()).keys.find((k) => k.status === 'ACTIVE')!.kid;

    const after = await okta.control.emergencyRotate();
    const fresh = after.keys.find((k) => k.status === 'ACTIVE')!.kid;
    expect(published).not.toContain(fresh);
    expect(after.keys).toContainEqual({ kid: before, status: 'EXPIRED' });

    const token = await okta.token(id, secret);
    expect(decodeProtectedHeader(token).kid).toBe(fresh);
    await jwtVerify(token, createLocalJWKSet(await jwks()));
  });

  it('withdraws an EXPIRED key from /v1/keys on request', async () => {
    await okta.control.emergencyRotate();
    const expired = (await okta.control.keys()).keys.find((k) => k.status === 'EXPIRED')!.kid;
    await okta.control.removeKey(expired);
    expect((await jwks()).keys.map((k) => k.kid)).not.toContain(expired);
  });
});

describe('the control API', () => {
  it('refuses requests without the API token', async () => {
    const response = await okta.http.post('/__emulator/down');
    expect(response.status).toBe(401);
    expect(response.data.errorCode).toBe('E0000011');
  });

  it('signs a real-looking token, with claims overridden or removed and header fields overridden', async () => {
    const signed = await okta.control.sign({ cid: '0oacustomclient00000', exp: null, scp: ['x'] });
    const { payload } = await jwtVerify(signed.token, createLocalJWKSet(await jwks()), {
      issuer: okta.issuer,
      audience: 'api://default',
    });
    expect(payload).toMatchObject({ ver: 1, cid: '0oacustomclient00000', sub: '0oacustomclient00000', client_id: '0oacustomclient00000', scp: ['x'] });
    expect(payload).not.toHaveProperty('exp');
    expect(payload.jti).toEqual(expect.any(String));

    const expired = await okta.control.sign({ exp: 1000 }, { kid: 'not-published' });
    expect(decodeProtectedHeader(expired.token)).toEqual({ kid: 'not-published', alg: 'RS256' });
    expect(decodeJwt(expired.token).exp).toBe(1000);
  });

  it('signs with a published key other than the ACTIVE one on request', async () => {
    const next = (await okta.control.nextKey()).keys.find((k) => k.status === 'NEXT')!.kid;
    const signed = await okta.control.sign({}, {}, 'NEXT');
    expect(decodeProtectedHeader(signed.token).kid).toBe(next);
    await jwtVerify(signed.token, createLocalJWKSet(await jwks()));
  });

  it('answers with a fault for the given number of requests, then normally', async () => {
    await okta.control.fault({ path: '/oauth2/default/v1/keys', status: 503, body: { oops: true }, times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const response = await okta.http.get(okta.jwksUri);
      expect(response.status).toBe(503);
      expect(response.data).toEqual({ oops: true });
    }
    expect((await okta.http.get(okta.jwksUri)).status).toBe(200);
  });

  it('holds a delayed request unanswered while other paths are served, then serves it; clearFaults removes faults', async () => {
    const discovery = `${okta.issuer}/.well-known/openid-configuration`;
    await okta.control.fault({ path: '/oauth2/default/.well-known/', delay_ms: 50, times: 1 });
    expect((await okta.http.get(discovery)).status).toBe(200);

    // Ten minutes: the request can only finish here if the fault is cleared, so no clock is read.
    await okta.control.fault({ path: '/oauth2/default/.well-known/', delay_ms: 600_000 });
    await okta.control.resetStats();
    const abort = new AbortController();
    let settled = false;
    const held = okta.http.get(discovery, { signal: abort.signal }).finally(() => (settled = true));
    while ((await okta.control.stats()).discovery === 0); // until the emulator holds it
    expect((await okta.http.get(okta.jwksUri)).status).toBe(200);
    expect(settled).toBe(false);
    abort.abort();
    await expect(held).rejects.toMatchObject({ code: 'ERR_CANCELED' });

    await okta.control.clearFaults();
    expect((await okta.http.get(discovery)).status).toBe(200);
  });

  it('drops every non-control connection while down, and serves again once up', async () => {
    await okta.control.down();
    await expect(okta.http.get(okta.jwksUri)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|ERR_BAD_RESPONSE|ECONNABORTED/) });
    expect((await okta.control.keys()).keys.length).toBeGreaterThan(0);
    await okta.control.up();
    expect((await okta.http.get(okta.jwksUri)).status).toBe(200);
  });

  it('counts requests per endpoint, faulted ones included, until reset', async () => {
    const { id, secret } = await newClient();
    await okta.control.resetStats();
    expect(await okta.control.stats()).toEqual({ token: 0, keys: 0, clients: 0, discovery: 0, other: 0 });

    await okta.token(id, secret);
    await okta.control.fault({ path: '/oauth2/default/v1/token', status: 500, times: 1 });
    expect((await okta.tokenResponse(id, secret)).status).toBe(500);
    await okta.http.get(okta.jwksUri);
    await okta.dcr.request('GET', `/${id}`);
    await okta.http.get(`${okta.issuer}/.well-known/openid-configuration`);

    expect(await okta.control.stats()).toEqual({ token: 2, keys: 1, clients: 1, discovery: 1, other: 0 });
  });
});
