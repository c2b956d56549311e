import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../sidecar/app';
import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { testDatabases } from '../support/sidecar-databases';
import { type TestDeveloper, developer, selfManagedStrategy } from '../support/sidecar-fixtures';

const KONG_YML = `_format_version: "3.0"
services:
  - name: demo
    url: http://127.0.0.1:9100
  - name: orders
    url: http://127.0.0.1:9101
  - url: http://127.0.0.1:9102
`;

describe.each(testDatabases)('sidecar gateway services on %s', (_name, createDatabase) => {
  let dir: string;
  let kongYml: string;
  let unchecked: TestSidecar;
  let checked: Awaited<ReturnType<typeof buildApp>>;
  let alice: TestDeveloper;
  let strategyId: string;
  let counter = 0;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sidecar-kong-yml-'));
    kongYml = path.join(dir, 'kong.yml');
    fs.writeFileSync(kongYml, KONG_YML);
    // One database, two faces: without the file, then (as after a restart) with it.
    unchecked = await startTestSidecar({}, createDatabase);
    checked = await buildApp({ ...unchecked.options, kongDeclarativeConfig: kongYml, logStream: undefined, logLevel: 'silent' });
    alice = await developer(unchecked);
    strategyId = await selfManagedStrategy(unchecked, 'https://idp.example.com');
  });
  afterAll(async () => {
    await checked?.close();
    await unchecked?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const asAlice = (app: { inject: TestSidecar['app']['inject'] }, options: { method?: 'GET' | 'POST'; url: string; payload?: object }) =>
    app.inject({ ...options, headers: { authorization: `Bearer ${alice.token}` } });
  const createApp = async () => {
    // An admin's claim: the strategy's issuer does not exist, so Alice could not prove the client.
    const response = await unchecked.admin({
      method: 'POST',
      url: `/v2/developers/${alice.id}/applications`,
      payload: { name: 'app', auth_strategy_id: strategyId, client_id: `existing-${process.pid}-${++counter}` },
    });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  };
  const register = (app: { inject: TestSidecar['app']['inject'] }, appId: string, service: string) =>
    asAlice(app, { method: 'POST', url: `/v2/applications/${appId}/registrations`, payload: { service } });

  it('returns 200 with the named services of the declarative file', async () => {
    const response = await asAlice(checked, { url: '/v2/services' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ data: [{ name: 'demo' }, { name: 'orders' }], meta: { checked: true, detail: 'the services of kong.yml' } });
  });

  it('returns 200 saying it cannot check when no declarative file is configured', async () => {
    const response = await asAlice(unchecked.app, { url: '/v2/services' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      data: [],
      meta: { checked: false, detail: 'the sidecar cannot check service names (SIDECAR_KONG_DECLARATIVE_CONFIG is unset): any name is accepted' },
    });
  });

  it('returns 200 to the admin token and 403 to the gateway token', async () => {
    expect((await unchecked.admin({ url: '/v2/services' })).statusCode).toBe(200);
    const gateway = await checked.inject({ url: '/v2/services', headers: { authorization: `Bearer ${unchecked.gatewayToken}` } });
    expect(gateway.statusCode).toBe(403);
    expect(gateway.json().detail).toBe('this call needs the admin token or a developer token');
  });

  it('returns 404 naming a service the gateway does not have, and stores nothing', async () => {
    const appId = await createApp();
    const response = await register(checked, appId, 'demoo');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ status: 404, detail: 'service demoo is not a gateway service (known: demo, orders)' });
    expect((await asAlice(checked, { url: `/v2/applications/${appId}/registrations` })).json().data).toEqual([]);
  });

  it('returns 201 for a service of the declarative file', async () => {
    const response = await register(checked, await createApp(), 'orders');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ service: 'orders', status: 'pending' });
  });

  it('returns 201 for any name without the file, and keeps that registration once the file is read', async () => {
    const appId = await createApp();
    const made = await register(unchecked.app, appId, 'legacy');
    expect(made.statusCode).toBe(201);
    const listed = await asAlice(checked, { url: `/v2/applications/${appId}/registrations` });
    expect(listed.json().data).toEqual([expect.objectContaining({ id: made.json().id, service: 'legacy' })]);
    const approved = await checked.inject({
      method: 'PATCH',
      url: `/v2/applications/${appId}/registrations/${made.json().id}`,
      headers: { authorization: `Bearer ${unchecked.adminToken}` },
      payload: { status: 'approved' },
    });
    expect(approved.statusCode).toBe(200);
  });

  it('accepts a service added to the file while running', async () => {
    const appId = await createApp();
    expect((await register(checked, appId, 'billing')).statusCode).toBe(404);
    fs.writeFileSync(kongYml, `${KONG_YML}  - name: billing\n    url: http://127.0.0.1:9103\n`);
    expect((await register(checked, appId, 'billing')).statusCode).toBe(201);
  });

  it('refuses to start on a declarative file that is missing or not a Kong configuration', async () => {
    const options = { ...unchecked.options, logStream: undefined, logLevel: 'silent' };
    await expect(buildApp({ ...options, kongDeclarativeConfig: path.join(dir, 'missing.yml') })).rejects.toThrow(/missing\.yml/);
    const broken = path.join(dir, 'broken.yml');
    fs.writeFileSync(broken, 'services: demo\n');
    await expect(buildApp({ ...options, kongDeclarativeConfig: broken })).rejects.toThrow('broken.yml: services must be a list');
  });
});
