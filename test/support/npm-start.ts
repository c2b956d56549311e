/**
 * `npm start`'s program (dist/devstack/start.js, what `npm start` runs after building) as a child process, the
 * way a person runs it; oidc-provider cannot be loaded inside jest anyway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const START_MAIN = path.resolve(__dirname, '../../dist/devstack/start.js');

export interface StartedStack {
  output(): string;
  /** Ctrl-C, as a person stops it; resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** Runs start.js until it exits on its own (a start-up failure): its code and output. */
export async function runStartUntilExit(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [START_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exitCode(child);
  clearTimeout(timer);
  return { code, output };
}

/** Starts the stack and waits for its ready line. */
export async function startStack(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<StartedStack> {
  const child = spawn(process.execPath, [START_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = exitCode(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(`not ready within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null) => fail(`exited with ${code} before it was ready`);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`npm start: ${why}\n${output}`));
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/^\[start\] ready$/m.test(output)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', onExit);
  });
  return {
    output: () => output,
    interrupt: async () => {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
