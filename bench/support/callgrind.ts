import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Instructions executed by a plugin server run under `valgrind --tool=callgrind` (perf's instruction counter is not
 * available on these virtual machines): a figure the shared machine's noise does not move. Counters are zeroed
 * before a run and dumped after it, so start-up and warm-up are not counted.
 */
export interface InstructionCounter {
  /** The plugins-directory start command to run under valgrind (a script in `dir`). */
  command: string;
  /** Instructions of every thread of the server while `run` ran. */
  measure(serverPid: number, run: () => Promise<void>): Promise<number>;
}

export function valgrindAvailable(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Debian's /usr/bin/valgrind is a script whose child is the valgrind process callgrind_control talks to. */
function valgrindPid(wrapperPid: number): number {
  const children = fs.readFileSync(`/proc/${wrapperPid}/task/${wrapperPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return children.length > 0 ? Number(children[0]) : wrapperPid;
}

function totalOf(dump: string): number {
  const match = /^(?:summary|totals):\s*(\d+)/m.exec(fs.readFileSync(dump, 'utf8'));
  if (!match) throw new Error(`no totals in ${dump}`);
  return Number(match[1]);
}

export function instructionCounter(dir: string, serverScript: string): InstructionCounter {
  const command = path.join(dir, 'pluginserver-under-callgrind.sh');
  const outPrefix = path.join(dir, 'callgrind.out');
  fs.writeFileSync(
    command,
    `#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file=${outPrefix}.%p "${process.execPath}" "${serverScript}" "$@"\n`,
    { mode: 0o755 },
  );
  return {
    command,
    measure: async (serverPid, run) => {
      const pid = valgrindPid(serverPid);
      const dumps = () => new Set(fs.readdirSync(dir).filter((name) => name.startsWith(`callgrind.out.${pid}.`)));
      execFileSync('callgrind_control', ['-z', String(pid)], { stdio: 'ignore' });
      await run();
      const before = dumps();
      execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
      const fresh = [...dumps()].filter((name) => !before.has(name));
      if (fresh.length !== 1) throw new Error(`expected one new callgrind dump, found ${fresh.length}`);
      return totalOf(path.join(dir, fresh[0] as string));
    },
  };
}
