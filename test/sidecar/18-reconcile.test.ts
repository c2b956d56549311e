import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../sidecar/app';
import { loadConfig } from '../../sidecar/config';
import { DEFAULTS } from '../../sidecar/defaults';
import { openConfiguredStore } from '../../sidecar/runtime';
import type { Store } from '../../sidecar/store';
import { startTestSidecar } from '../support/sidecar-app';
import { type OktaSidecar, developer, oktaStrategy, serviceClient, startOktaSidecar } from '../support/sidecar-fixtures';

const CLIENT_NAME_PREFIX = DEFAULTS.clientNamePrefix;

describe('sidecar reconcile', () => {
  let env: OktaSidecar;

  beforeAll(async () => {
    env = await startOktaSidecar({ idpTimeoutMs: 1_000 });
  });
  afterAll(() => env?.stop());

  const createApp = async (name: string) =>
    env.alice.call({ method: 'POST', url: '/v2/applications', payload: { name, auth_strategy_id: env.strategyId } });
  const exists = async (clientId: string) => (await env.okta.dcr.request('GET', `/${clientId}`)).status === 200;

  it('reports orphans with our prefix and missing clients, never clients without the prefix', async () => {
    const kept = (await createApp('kept')).json();
    const lost = (await createApp('lost')).json();
    await env.okta.dcr.request('DELETE', `/${lost.client_id}`);
    const orphan = await env.okta.dcr.createClient(serviceClient(`${CLIENT_NAME_PREFIX}orphan`));
    const foreign = await env.okta.dcr.createClient(serviceClient('someone-elses-app'));

    const response = await env.sidecar.admin({ url: '/v2/reconcile' });
    expect(response.statusCode).toBe(200);
    const [report] = response.json().data;
    expect(report.status).toBe('checked');
    const orphanIds = report.orphans.map((o: { client_id: string }) => o.client_id);
    expect(orphanIds).toContain(orphan.client_id);
    expect(orphanIds).not.toContain(foreign.client_id);
    expect(orphanIds).not.toContain(kept.client_id);
    expect(report.missing).toContainEqual({ application_id: lost.id, client_id: lost.client_id });
    expect(report.removed).toEqual([]);
    expect(await exists(orphan.client_id)).toBe(true);
  });

  it('removes orphans past the grace period with fix, and nothing else', async () => {
    const kept = (await createApp('kept-2')).json();
    const orphan = await env.okta.dcr.createClient(serviceClient(`${CLIENT_NAME_PREFIX}orphan-2`));
    const foreign = await env.okta.dcr.createClient(serviceClient('not-ours'));

    const young = (await env.sidecar.admin({ method: 'POST', url: '/v2/reconcile', payload: {} })).json().data[0];
    expect(young.removed).not.toContain(orphan.client_id);
    expect(await exists(orphan.client_id)).toBe(true);

    const fixed = (await env.sidecar.admin({ method: 'POST', url: '/v2/reconcile', payload: { grace_seconds: 0 } })).json().data[0];
    expect(fixed.removed).toContain(orphan.client_id);
    expect(await exists(orphan.client_id)).toBe(false);
    expect(await exists(foreign.client_id)).toBe(true);
    expect(await exists(kept.client_id)).toBe(true);
    const trail = (await env.sidecar.admin({ url: `/v2/audit-events?filter[resource_id]=${orphan.client_id}` })).json().data;
    expect(trail).toEqual([
      expect.objectContaining({
        action: 'idp_client.deleted',
        actor: { type: 'admin', id: expect.stringMatching(/^admin-/), address: '127.0.0.1' },
        before: { client_id: orphan.client_id, client_name: `${CLIENT_NAME_PREFIX}orphan-2`, dcr_provider_id: env.providerId },
      }),
    ]);
  });

  it("leaves the client stranded by a failed database write and a failed compensation to its attempt's check, which removes it", async () => {
    // The application is written in a transaction with the end of its creation: that write fails.
    const failingStore = { ...env.sidecar.store, transaction: () => Promise.reject(new Error('disk full')) } as Store;
    const broken = await buildApp({ ...env.sidecar.options, store: failingStore, logStream: undefined, logLevel: 'silent' });
    const name = `stranded-${Date.now()}`;
    try {
      await env.okta.control.fault({ path: '/oauth2/v1/clients/', status: 500, times: 1 });
      const response = await broken.inject({
        method: 'POST',
        url: '/v2/applications',
        headers: { authorization: `Bearer ${env.alice.token}` },
        payload: { name, auth_strategy_id: env.strategyId },
      });
      expect(response.statusCode).toBe(500);
    } finally {
      await broken.close();
      await env.okta.control.clearFaults();
    }
    const stranded = (await env.okta.dcr.request('GET', `?q=${CLIENT_NAME_PREFIX}${name}`)).data as { client_id: string }[];
    expect(stranded).toHaveLength(1);
    const report = (await env.sidecar.admin({ method: 'POST', url: '/v2/reconcile', payload: { grace_seconds: 0 } })).json().data[0];
    expect(report.removed).not.toContain(stranded[0]!.client_id);
    const check = (await env.sidecar.store.registrationChecks.listPending(env.providerId)).find((c) => c.client_name === `${CLIENT_NAME_PREFIX}${name}`);
    // Due now rather than after the check delay.
    await env.sidecar.store.registrationChecks.postpone(check!.id, new Date());
    expect(await env.sidecar.app.lateRegistrations.checkDue()).toBe(1);
    expect(await exists(stranded[0]!.client_id)).toBe(false);
  });

  it('leaves an orphan named like an unfinished registration check alone however old, and removes it once settled', async () => {
    const name = `${CLIENT_NAME_PREFIX}unsettled-${Date.now()}`;
    const orphan = await env.okta.dcr.createClient(serviceClient(name));
    const longAgo = new Date(Date.now() - 86_400_000);
    await env.sidecar.store.registrationChecks.add(env.providerId, name, longAgo, new Date(Date.now() + 86_400_000));
    const reconcile = async () =>
      (await env.sidecar.admin({ method: 'POST', url: '/v2/reconcile', payload: { grace_seconds: 0 } })).json().data[0];
    const first = await reconcile();
    expect(first.orphans.map((o: { client_id: string }) => o.client_id)).toContain(orphan.client_id);
    expect(first.removed).not.toContain(orphan.client_id);
    expect(await exists(orphan.client_id)).toBe(true);
    const check = (await env.sidecar.store.registrationChecks.listPending(env.providerId)).find((c) => c.client_name === name);
    await env.sidecar.store.registrationChecks.remove(check!.id);
    expect((await reconcile()).removed).toContain(orphan.client_id);
  });

  it('never removes the client of another provider on the same IdP org', async () => {
    const { strategyId: otherStrategy } = await oktaStrategy(env.sidecar, env.okta);
    const payload = { name: 'second-provider', auth_strategy_id: otherStrategy };
    const app = (await env.alice.call({ method: 'POST', url: '/v2/applications', payload })).json();
    const reports = (await env.sidecar.admin({ method: 'POST', url: '/v2/reconcile', payload: { grace_seconds: 0 } })).json().data;
    expect(reports).toHaveLength(2);
    for (const report of reports) {
      expect(report.status).toBe('checked');
      expect(report.orphans.map((o: { client_id: string }) => o.client_id)).not.toContain(app.client_id);
    }
    expect(await exists(app.client_id)).toBe(true);
  });

  it('reports a provider it cannot reach as failed', async () => {
    const other = await startTestSidecar({ idpTimeoutMs: 1_000 });
    try {
      await oktaStrategy(other, { issuer: 'http://127.0.0.1:1/oauth2/default', apiToken: 'x' });
      const [report] = (await other.admin({ url: '/v2/reconcile' })).json().data;
      expect(report).toMatchObject({ status: 'failed', error: expect.stringMatching(/unreachable/) });
    } finally {
      await other.close();
    }
  });

  it('leaves the clients of a sidecar with another name prefix alone (staging and production in one org)', async () => {
    const production = await env.okta.dcr.createClient(serviceClient(`${CLIENT_NAME_PREFIX}production-orphan`));
    const staging = await startTestSidecar({ clientNamePrefix: 'staging-dcr-' });
    try {
      const { strategyId } = await oktaStrategy(staging, env.okta);
      const dev = await developer(staging);
      const app = (await dev.call({ method: 'POST', url: '/v2/applications', payload: { name: 'x', auth_strategy_id: strategyId } })).json();
      expect((await env.okta.dcr.request('GET', `/${app.client_id}`)).data.client_name).toBe('staging-dcr-x');
      const [report] = (await staging.admin({ method: 'POST', url: '/v2/reconcile', payload: { grace_seconds: 0 } })).json().data;
      expect(report.orphans).toEqual([]);
      expect(await exists(production.client_id)).toBe(true);
    } finally {
      await staging.close();
    }
  });

  it('returns 401 without the admin token', async () => {
    expect((await env.sidecar.app.inject({ url: '/v2/reconcile' })).statusCode).toBe(401);
  });

  it('runs as `npm run reconcile --fix` against the configured database', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sidecar-reconcile-'));
    const cliEnv = {
      PATH: process.env.PATH,
      SIDECAR_DATA_DIR: dataDir,
      SIDECAR_ADMIN_TOKEN: randomBytes(32).toString('base64url'),
      SIDECAR_GATEWAY_TOKEN: randomBytes(32).toString('base64url'),
      SIDECAR_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    const store = await openConfiguredStore(loadConfig(cliEnv));
    try {
      await store.providers.create({
        name: 'okta',
        display_name: null,
        provider_type: 'okta',
        issuer: env.okta.issuer,
        dcr_config: {},
        dcr_secrets: { dcr_token: env.okta.apiToken },
        labels: {},
      });
      const orphan = await env.okta.dcr.createClient(serviceClient(`${CLIENT_NAME_PREFIX}cli-orphan`));
      const script = path.resolve(__dirname, '../../dist/sidecar/reconcile.js');
      const child = spawn(process.execPath, [script, '--grace-seconds=0'], {
        env: { ...cliEnv, npm_config_fix: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      const output = JSON.parse(stdout);
      expect(output.fix).toBe(true);
      expect(output.data[0].removed).toContain(orphan.client_id);
      expect(await exists(orphan.client_id)).toBe(false);
      expect(stdout).not.toContain(env.okta.apiToken);
      const { items } = await store.audit.list({ number: 1, size: 10 }, { resource_id: orphan.client_id });
      expect(items.map((e) => [e.action, e.actor])).toEqual([['idp_client.deleted', { type: 'system', id: 'reconcile-command', address: null }]]);
    } finally {
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
