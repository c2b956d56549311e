import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemoUpstream } from '../demo-upstream';
import { startDevGateway } from '../gateway';
import { supervisePluginServer } from '../kong-rpc/plugin-server-supervisor';
import { startOktaEmulator } from '../okta-emulator';
import { buildApp } from '../../sidecar/app';
import { loadConfig } from '../../sidecar/config';
import type { AccountSettings } from '../../sidecar/domain/accounts/settings';
import { buildPortalApp } from '../../sidecar/portal/app';
import { appOptionsFrom, mailDirectory, openConfiguredStore, portalOptionsFrom } from '../../sidecar/runtime';
import { localStackVariables } from './local-environment';
import { checkPortsFree } from './ports';
import { loadOrCreateSecrets, type StackSecrets } from './secrets';
import type { StackSettings } from './settings';

export interface RunningStack {
  okta: { issuer: string; local: boolean };
  sidecarUrl: string;
  /** The portal's listener: Portal API v2 under /api/v2. */
  portalUrl: string;
  /** How a developer's sign-up goes, as the sidecar runs it. */
  accounts: Pick<AccountSettings, 'autoApproveDevelopers' | 'requireEmailVerification'>;
  /** Where mails are written; undefined when they go out over SMTP_URL. */
  mailFolder: string | undefined;
  gatewayUrl: string;
  demoUpstreamUrl: string;
  pluginServerSocket: string;
  secrets: StackSecrets;
  secretsCreated: boolean;
  logDir: string;
  close(): Promise<void>;
}

export interface StackPaths {
  /** dist/: where the plugin bundle and the start command are. */
  dist: string;
}

type Closer = () => Promise<void>;

/**
 * Starts the whole journey on loopback, in dependency order: Okta (local or real), the sidecar and its portal
 * listener, the real plugin
 * server through our start command, the dev gateway reading kong.yml, the demo upstream. If a step fails, what
 * already started is stopped again.
 */
export async function startStack(settings: StackSettings, paths: StackPaths, progress: (line: string) => void): Promise<RunningStack> {
  await checkPortsFree(settings);
  const { secrets, created } = loadOrCreateSecrets(settings.dataDir);
  const local = localStackVariables(settings.dataDir, settings.declarativeConfigPath, secrets);
  const logDir = path.join(settings.dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const closers: Closer[] = [];
  // Last started, first stopped; splice so that a second call finds nothing left to close.
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };

  try {
    let issuer: string;
    if (settings.realOkta) {
      issuer = settings.realOkta.issuer;
      progress(`okta: using the real org at ${issuer}`);
    } else {
      progress('okta: starting the local Okta-compatible server');
      const okta = await startOktaEmulator({
        port: settings.ports.okta,
        host: settings.host,
        apiToken: secrets.OKTA_EMULATOR_API_TOKEN,
        dataDir: local.OKTA_EMULATOR_DATA_DIR,
      });
      closers.push(() => okta.close());
      issuer = okta.issuer;
    }

    progress('sidecar: opening the database and starting the API');
    const sidecarConfig = loadConfig({
      ...process.env,
      ...settings.localJourneyAccounts,
      ...local,
      SIDECAR_PORT: String(settings.ports.sidecar),
      SIDECAR_HOST: settings.host,
      PORTAL_PORT: String(settings.ports.portal),
      PORTAL_HOST: settings.host,
      PORTAL_GATEWAY_URL: `http://${settings.host}:${settings.ports.gateway}`,
    });
    const store = await openConfiguredStore(sidecarConfig);
    closers.push(() => store.close());
    const sidecarLog = fs.createWriteStream(path.join(logDir, 'sidecar.log'), { flags: 'a', mode: 0o600 });
    closers.push(() => new Promise((resolve) => sidecarLog.end(resolve)));
    const sidecar = await buildApp({ ...appOptionsFrom(sidecarConfig, store), logStream: sidecarLog });
    closers.push(() => sidecar.close());
    await sidecar.listen({ port: settings.ports.sidecar, host: settings.host });
    const sidecarUrl = `http://${settings.host}:${settings.ports.sidecar}`;

    progress('portal: starting the developers\' listener (Portal API v2)');
    const portalLog = fs.createWriteStream(path.join(logDir, 'portal.log'), { flags: 'a', mode: 0o600 });
    closers.push(() => new Promise((resolve) => portalLog.end(resolve)));
    const portal = await buildPortalApp({ ...portalOptionsFrom(sidecarConfig, store, sidecar.useCases), logStream: portalLog });
    closers.push(() => portal.close());
    await portal.listen({ port: settings.ports.portal, host: settings.host });

    progress('plugin server: starting okta-auth-pluginserver with the okta-auth bundle');
    // A unix socket path must stay short (108 bytes): the prefix lives in the temp directory, not the data dir.
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'kong-okta-dcr-'));
    closers.push(async () => fs.rmSync(prefix, { recursive: true, force: true }));
    const pluginLog = fs.createWriteStream(path.join(logDir, 'pluginserver.log'), { flags: 'a', mode: 0o600 });
    closers.push(() => new Promise((resolve) => pluginLog.end(resolve)));
    // Respawned when it dies, at most once a second, as Kong's worker 0 does.
    const pluginServer = await supervisePluginServer({
      command: path.join(paths.dist, 'bin/okta-auth-pluginserver'),
      pluginsDir: path.join(paths.dist, 'kong-plugins'),
      prefix,
      onOutput: (chunk) => pluginLog.write(chunk),
      log: (line) => progress(line),
    });
    closers.push(() => pluginServer.stop());

    progress('dev gateway: loading kong.yml');
    const gateway = await startDevGateway({
      port: settings.ports.gateway,
      host: settings.host,
      declarativeConfigPath: settings.declarativeConfigPath,
      pluginServerSocket: pluginServer.socketPath,
      // What Kong's env vault reads in production, here derived from the stack itself.
      env: {
        ...process.env,
        OKTA_ISSUER: issuer,
        OKTA_AUTH_SIDECAR_URL: sidecarUrl,
        OKTA_AUTH_SIDECAR_TOKEN: sidecarConfig.gatewayToken,
      },
      log: (line) => progress(`gateway: ${line}`),
    });
    closers.push(() => gateway.close());

    progress('demo upstream: starting the echo service');
    const demo = await startDemoUpstream({ port: settings.ports.demoUpstream, host: settings.host });
    closers.push(() => demo.close());

    return {
      okta: { issuer, local: !settings.realOkta },
      sidecarUrl,
      portalUrl: `http://${settings.host}:${settings.ports.portal}`,
      accounts: sidecarConfig.accounts,
      mailFolder: sidecarConfig.smtpUrl ? undefined : mailDirectory(sidecarConfig),
      gatewayUrl: gateway.url,
      demoUpstreamUrl: demo.url,
      pluginServerSocket: pluginServer.socketPath,
      secrets,
      secretsCreated: created,
      logDir,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
