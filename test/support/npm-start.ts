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

/**
 * start.js in a process group of its own. A SIGKILLed start.js cannot stop its plugin-server child, so when a test
 * gives up on it the whole group is killed, leaving no stray process behind.
 */
function spawnStart(env: NodeJS.ProcessEnv): { child: ChildProcess; killGroup: () => void } {
  const child = spawn(process.execPath, [START_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const killGroup = (): void => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // the group is gone already
    }
  };
  process.once('exit', killGroup);
  child.once('exit', () => process.off('exit', killGroup));
  return { child, killGroup };
}

/** Runs start.js until it exits on its own (a start-up failure): its code and output. */
export async function runStartUntilExit(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const { child, killGroup } = spawnStart(env);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(killGroup, 30_000);
  const code = await exitCode(child);
  clearTimeout(timer);
  return { code, output };
}

/** Starts the stack and waits for its ready line. */
export async function startStack(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<StartedStack> {
  const { child, killGroup } = spawnStart(env);
  let output = '';
  const exited = exitCode(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(`not ready within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null) => fail(`exited with ${code} before it was ready`);
    const fail = (why: string) => {
      clearTimeout(timer);
      killGroup();
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
      const timer = setTimeout(killGroup, 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
