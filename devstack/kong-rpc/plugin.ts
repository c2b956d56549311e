import { KongRaisedError, PluginServerConnectionError, PluginServerRpcError } from './errors';
import { runPdkCall, stepMethodFor, type PdkReply } from './pdk';
import type { ConnectionPool } from './pool';
import { GatewayRequestState } from './request-state';
import type { AccessOutcome, GatewayRequest, PluginScope } from './types';

interface EventAnswer {
  Data?: unknown;
  EventId: number;
}

interface PdkCall {
  Method: string;
  Args?: unknown[];
}

/** Kong's entity identity of one plugin configuration: fixed for its life, except `seq` on every change. */
export interface PluginIdentity {
  pluginId: string;
  workspaceId: string;
  nextSeq: () => number;
}

/** Kong's answer to a Lua error in a plugin (kong/init.lua, execute_collecting_plugins_iterator). */
export const KONG_500 = { status: 500, body: { message: 'An unexpected error occurred' }, headers: { 'content-type': 'application/json; charset=utf-8' } };

function isPdkCall(data: unknown): data is PdkCall {
  return typeof data === 'object' && data !== null && typeof (data as PdkCall).Method === 'string';
}

function stepRequest(eventId: number, pdkMethod: string, reply: Exclude<PdkReply, { kind: 'terminal' }>): [string, object] {
  if (reply.kind === 'error') return ['plugin.StepError', { EventId: eventId, Data: reply.message }];
  // A nil result travels with the Data key absent, so the plugin sees undefined (not null).
  const payload = reply.value === undefined ? { EventId: eventId } : { EventId: eventId, Data: reply.value };
  return [stepMethodFor(pdkMethod), payload];
}

/**
 * One plugin configuration as Kong runs it: an instance started lazily with Kong's config keys, a new instance
 * (and the old one closed) when the configuration changes, restarted once when the server lost it.
 */
export class KongPlugin {
  private config: Record<string, unknown>;
  private seq: number;
  private running: { seq: number; id: Promise<number> } | undefined;
  /** How often the plugin server answered "no plugin instance" and the instance was started again. */
  restarts = 0;

  constructor(
    private readonly rpc: ConnectionPool,
    readonly name: string,
    config: Record<string, unknown>,
    private readonly scope: PluginScope,
    private readonly identity: PluginIdentity,
  ) {
    this.config = config;
    this.seq = identity.nextSeq();
  }

  /** A configuration change: like Kong, the next request runs on a new instance (new `__seq__`). */
  configure(config: Record<string, unknown>): void {
    this.config = config;
    this.seq = this.identity.nextSeq();
  }

  /** The plugin server's id of the current instance (starting it if needed). */
  instanceId(): Promise<number> {
    if (this.running?.seq === this.seq) return this.running.id;
    const previous = this.running;
    const id = this.startInstance().then(async (started) => {
      if (previous) await this.closeInstance(previous.id);
      return started;
    });
    const running = { seq: this.seq, id };
    this.running = running;
    id.catch(() => this.forget(running)); // a failed start is retried by the next request
    return id;
  }

  /** Runs the access phase for one request, playing Kong's side of every PDK call. */
  async access(request: GatewayRequest): Promise<AccessOutcome> {
    const state = new GatewayRequestState(request, this.scope);
    try {
      await this.runEvent('access', state);
    } catch (err) {
      if (err instanceof KongRaisedError) {
        state.logs.push({ level: 'err', message: err.message });
        state.exit = { ...KONG_500, headers: { ...KONG_500.headers } };
      } else if (err instanceof PluginServerRpcError || err instanceof PluginServerConnectionError) {
        state.rpcError = err.message; // Kong logs it and proxies
        state.proxied = true;
      } else {
        throw err;
      }
    }
    return state.outcome();
  }

  private async runEvent(phase: string, state: GatewayRequestState): Promise<void> {
    let answer = await this.handleEvent(phase);
    while (answer.Data !== 'ret') {
      if (!isPdkCall(answer.Data)) throw new PluginServerConnectionError('plugin server answered neither "ret" nor a PDK call');
      const method = answer.Data.Method;
      const reply = runPdkCall(state, method, answer.Data.Args ?? []);
      if (reply.kind === 'terminal') return;
      answer = (await this.rpc.call(...stepRequest(answer.EventId, method, reply))) as EventAnswer;
    }
    state.proxied = true;
  }

  private async handleEvent(phase: string): Promise<EventAnswer> {
    const running = await this.startedInstance();
    try {
      return (await this.rpc.call('plugin.HandleEvent', { InstanceId: running.instanceId, EventName: phase })) as EventAnswer;
    } catch (err) {
      if (!(err instanceof PluginServerRpcError && err.isNoPluginInstance)) throw err;
      // Kong resets the instance and retries the event; once here, so a broken server cannot loop forever.
      this.forget(running.entry);
      this.restarts += 1;
      const restarted = await this.startedInstance();
      return (await this.rpc.call('plugin.HandleEvent', { InstanceId: restarted.instanceId, EventName: phase })) as EventAnswer;
    }
  }

  private async startedInstance(): Promise<{ instanceId: number; entry: KongPlugin['running'] }> {
    const started = this.instanceId();
    const entry = this.running;
    const instanceId = await started.catch((err: Error) => {
      throw new KongRaisedError(`starting instance: ${err.message}`); // Kong raises: the request ends in a 500
    });
    return { instanceId, entry };
  }

  private async startInstance(): Promise<number> {
    const { routeId, serviceId, consumerId } = this.scope;
    const { pluginId, workspaceId } = this.identity;
    const kongConfig = {
      ...this.config,
      // cjson drops nil values, so Kong sends these keys only when the plugin is scoped.
      ...(routeId && { route_id: routeId }),
      ...(serviceId && { service_id: serviceId }),
      ...(consumerId && { consumer_id: consumerId }),
      __plugin_id: pluginId,
      __key__: `plugins:${this.name}:${routeId ?? ''}:${serviceId ?? ''}:${consumerId ?? ''}::${workspaceId}`,
      __seq__: this.seq,
      __ws_id: workspaceId,
    };
    const status = (await this.rpc.call('plugin.StartInstance', { Name: this.name, Config: JSON.stringify(kongConfig) })) as { Id: number };
    return status.Id;
  }

  private async closeInstance(previous: Promise<number>): Promise<void> {
    // Kong closes the replaced instance and ignores failures (another worker may have closed it first).
    await previous.then((id) => this.rpc.call('plugin.CloseInstance', id)).catch(() => undefined);
  }

  private forget(entry: KongPlugin['running']): void {
    if (this.running === entry) this.running = undefined;
  }
}
