/**
 * The set-up the okta-auth plugin tests share: the plugin server (our start command, serving the bundled plugin),
 * Kong's side of the protocol connected to it, and the local Okta-compatible server. Typical use:
 *
 *   let harness: OktaAuthStack;
 *   beforeAll(async () => {
 *     harness = await startOktaAuthStack();
 *     plugin = harness.kong.plugin('okta-auth', { issuer: harness.okta.issuer });
 *   });
 *   afterAll(() => harness?.stop());
 */
import { KongPluginServerClient } from '../../devstack/kong-rpc';
import { startOktaEmulator, type OktaEmulatorFixture, type StartOptions } from './okta-emulator';
import { startPluginServer, type PluginServerOptions, type RunningPluginServer } from './plugin-server';

export interface ConnectedPluginServer {
  server: RunningPluginServer;
  kong: KongPluginServerClient;
  /** Closes the connection, then stops the server. */
  stop(): Promise<void>;
}

export interface OktaAuthStack extends ConnectedPluginServer {
  okta: OktaEmulatorFixture;
}

export interface OktaAuthStackOptions {
  okta?: StartOptions;
  pluginServer?: PluginServerOptions;
}

/** Starts a plugin server and connects to it as Kong does; for tests that start their own Okta servers. */
export async function connectPluginServer(options: PluginServerOptions = {}): Promise<ConnectedPluginServer> {
  const server = await startPluginServer(options);
  try {
    const kong = await KongPluginServerClient.connect({ socketPath: server.socketPath });
    const stop = async (): Promise<void> => {
      kong.close();
      await server.stop();
    };
    return { server, kong, stop };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** The local Okta-compatible server, then a plugin server connected as Kong does; `stop()` stops all of them. */
export async function startOktaAuthStack(options: OktaAuthStackOptions = {}): Promise<OktaAuthStack> {
  const okta = await startOktaEmulator(options.okta);
  try {
    const connected = await connectPluginServer(options.pluginServer);
    const stop = async (): Promise<void> => {
      await connected.stop();
      await okta.stop();
    };
    return { ...connected, okta, stop };
  } catch (err) {
    await okta.stop();
    throw err;
  }
}
