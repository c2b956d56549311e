import Server = require('kong-pdk/server');

// kong-pdk's PDK bridge: these calls return at once on the JS side and Kong never sends a Step for them.
const EXIT_METHODS = new Set(['kong.response.exit', 'kong.response.error']);

// kong-pdk expires instances idle for 60 s, but only while its sweep timer runs (its own bin stops it at once).
const INSTANCE_SWEEP_INTERVAL_MS = 10_000;
// Kong gives up on a plugin-server call after 60 s (socket timeout) and never finishes that event: an event
// still open after twice that was abandoned, and is dropped like a terminal one.
export const ABANDONED_EVENT_MS = 120_000;

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
