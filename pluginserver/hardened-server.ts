import Server = require('kong-pdk/server');

// kong-pdk's PDK bridge: these calls return at once on the JS side and Kong never sends a Step for them.
const EXIT_METHODS = new Set(['kong.response.exit', 'kong.response.error']);

// kong-pdk expires instances idle for 60 s, but only while its sweep timer runs (its own bin stops it at once).
const INSTANCE_SWEEP_INTERVAL_MS = 10_000;
// Kong gives up on a plugin-server call after 60 s (socket timeout) and never finishes that event: an event
// still open after twice that was abandoned, and is dropped like a terminal one.
export const ABANDONED_EVENT_MS = 120_000;

/**
 * The first instance id: the process start time in microseconds (about 1.8e15 today, below 2^53 until 2255, so
 * exact in msgpack and in Lua's doubles). Stock kong-pdk counts from 0 in every process, so after a restart a Kong
 * worker's cached id can name an instance just started for ANOTHER configuration, and run its requests with that
 * config. Counting on from here, a restarted server never hands out an id its predecessor used (it would have to
 * have started more than a million instances a second), and a stale id gets "no plugin instance": Kong then
 * starts its own instance again.
 */
export function firstInstanceId(startedAtMs: number = performance.timeOrigin): number {
  return Math.floor(startedAtMs * 1000);
}

function isTerminal(answer: Server.EventAnswer): boolean {
  if (answer.Data === 'ret') return true;
  const call = answer.Data as { Method?: unknown } | null;
  return typeof call === 'object' && call !== null && EXIT_METHODS.has(call.Method as string);
}

/**
 * kong-pdk's Server, forgetting an event as soon as the answer sent to Kong is terminal. Stock kong-pdk keeps
 * every event that ended in an exit (and every event whose first answer is "ret") in `events` forever.
 */
export class HardenedServer extends Server {
  private readonly eventStartedAt = new Map<number, number>();
  private readonly abandonedSweep: NodeJS.Timeout;

  constructor(pluginDir: string, logger: Server.PluginServerLogger) {
    super(pluginDir, logger, INSTANCE_SWEEP_INTERVAL_MS);
    this.instanceID = firstInstanceId();
    this.abandonedSweep = setInterval(() => this.forgetAbandoned(Date.now()), ABANDONED_EVENT_MS / 4);
    this.abandonedSweep.unref();
  }

  override async HandleEvent(event: { InstanceId: number; EventName: string }): Promise<Server.EventAnswer> {
    const answer = await super.HandleEvent(event);
    this.eventStartedAt.set(answer.EventId, Date.now());
    return this.forgetIfTerminal(answer);
  }

  override close(): void {
    clearInterval(this.abandonedSweep);
    super.close();
  }

  /** Drops events Kong opened more than ABANDONED_EVENT_MS before `now` and never finished. */
  forgetAbandoned(now: number): number {
    let dropped = 0;
    for (const [eventId, startedAt] of this.eventStartedAt) {
      if (now - startedAt < ABANDONED_EVENT_MS) break; // insertion order is start order
      this.eventStartedAt.delete(eventId);
      if (this.events.delete(eventId)) dropped += 1;
    }
    return dropped;
  }

  override async step(data: { EventId: number; Data?: unknown }, isError: boolean): Promise<Server.EventAnswer> {
    return this.forgetIfTerminal(await super.step(data, isError));
  }

  /**
   * Diagnostic RPC (`plugin.ServerStats`): sizes of the server's maps, to watch for leaks. Started with
   * `--expose-gc` (NODE_OPTIONS), it collects garbage first, so HeapUsed is what the server really keeps.
   */
  async ServerStats(): Promise<{ Pid: number; Events: number; Instances: number; HeapUsed: number }> {
    (globalThis as { gc?: () => void }).gc?.();
    return {
      Pid: process.pid,
      Events: this.events.size,
      Instances: this.instances.size,
      HeapUsed: process.memoryUsage().heapUsed,
    };
  }

  private forgetIfTerminal(answer: Server.EventAnswer): Server.EventAnswer {
    if (isTerminal(answer)) {
      this.events.delete(answer.EventId);
      this.eventStartedAt.delete(answer.EventId);
    }
    return answer;
  }
}
