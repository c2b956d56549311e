import { spawnPluginServer, type PluginServerProcess, type PluginServerProcessOptions } from './plugin-server-process';

/** Kong starts the command again at most once a second (kong/runloop/plugin_servers/process.lua, next_spawn). */
export const RESPAWN_INTERVAL_MS = 1000;

export interface SupervisedPluginServer {
  socketPath: string;
  /** The running process, or undefined while it is being respawned. */
  current(): PluginServerProcess | undefined;
  /** When the command was started (epoch ms), the first start included. */
  startTimes(): number[];
  /** Resolves with the next process that starts serving. */
  nextSpawn(): Promise<PluginServerProcess>;
  /** Stops respawning, then stops the running process. */
  stop(): Promise<void>;
}

export interface SupervisorOptions extends PluginServerProcessOptions {
  /** One line per exit and respawn. */
  log?: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the plugin server the way Kong's worker 0 does (process.lua pluginserver_timer): starts the command, and
 * whenever it exits starts it again, never twice within a second. The first start must succeed (it rejects
 * otherwise); later failed starts are retried on the same rhythm, as Kong does.
 */
export async function supervisePluginServer(options: SupervisorOptions): Promise<SupervisedPluginServer> {
  const log = options.log ?? (() => undefined);
  const starts = [Date.now()];
  let running: PluginServerProcess | undefined = await spawnPluginServer(options);
  let stopped = false;
  let waiters: Array<(server: PluginServerProcess) => void> = [];

  const respawnLoop = async (): Promise<void> => {
    while (!stopped) {
      if (running) {
        await running.exited();
        if (stopped) return;
        log(`plugin server (pid ${running.pid}) exited; respawning`);
        running = undefined;
      }
      const due = starts[starts.length - 1] + RESPAWN_INTERVAL_MS;
      while (Date.now() < due) await sleep(due - Date.now()); // a timer may fire a millisecond early
      if (stopped) return;
      starts.push(Date.now());
      try {
        const started = await spawnPluginServer(options);
        if (stopped) return void (await started.stop());
        running = started;
        log(`plugin server respawned (pid ${started.pid})`);
        for (const resolve of waiters.splice(0)) resolve(started);
      } catch (err) {
        log(`plugin server failed to start: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  };
  const loop = respawnLoop();

  return {
    socketPath: running.socketPath,
    current: () => running,
    startTimes: () => [...starts],
    nextSpawn: () => new Promise((resolve) => waiters.push(resolve)),
    stop: async () => {
      stopped = true;
      waiters = [];
      await running?.stop();
      await loop;
    },
  };
}
