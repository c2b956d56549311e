import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A built sidecar (dist/sidecar/server.js) running as a child process. */
export interface SidecarProcess {
  /** `http://127.0.0.1:<port>`, as its `Server listening at` log line says. */
  url: string;
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** SIGKILL: a sidecar that dies mid-request, without a chance to clean up. */
  kill(): Promise<void>;
  /** SIGTERM, then wait for it to exit. */
  stop(): Promise<void>;
}

/**
 * Runs `serverPath` with exactly `env` (SIDECAR_PORT=0 for a free port) and resolves once it listens; rejects if
 * it exits first. `echo` copies its output to our stderr; `nodeArgs` go to node (e.g. --cpu-prof). Tests start replicas with it, benchmarks their subjects.
 */
export function startSidecarProcess(
  serverPath: string,
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number; echo?: boolean; nodeArgs?: string[] } = {},
): Promise<SidecarProcess> {
  if (!existsSync(serverPath)) throw new Error(`${serverPath} is missing: run \`npm run build\` first`);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), serverPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => process.off('exit', killOnExit));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const chunks: string[] = [];
  return new Promise((resolve, reject) => {
    let url: string | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sidecar not listening after ${timeoutMs} ms:\n${chunks.join('')}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk.toString());
      if (options.echo) process.stderr.write(chunk);
      if (url) return;
      url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(chunks.join(''))?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({ url, pid: child.pid!, output: () => chunks.join(''), kill: () => end('SIGKILL'), stop: () => end('SIGTERM') });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`sidecar exited before listening:\n${chunks.join('')}`));
    });
  });
}
