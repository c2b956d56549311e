/**
 * The README's walkthrough as executable steps: every ```sh block tagged `step=<name>`, in order. Steps run in
 * bash one after another and share what they `export`, the way a person's shell would.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ReadmeStep {
  name: string;
  script: string;
}

export function readmeSteps(readmePath: string): ReadmeStep[] {
  const text = fs.readFileSync(readmePath, 'utf8');
  return [...text.matchAll(/^```sh step=([\w-]+)\n([\s\S]*?)^```$/gm)].map((m) => ({ name: m[1] as string, script: m[2] as string }));
}

/** Runs steps in bash, carrying exported variables from one to the next through a state file. */
export class StepRunner {
  private readonly stateFile: string;

  constructor(
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.stateFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'readme-steps-')), 'state.sh');
    fs.writeFileSync(this.stateFile, '');
  }

  run(step: ReadmeStep, timeoutMs = 60_000): Promise<string> {
    const script = `set -euo pipefail\nsource ${JSON.stringify(this.stateFile)}\n${step.script}\nexport -p > ${JSON.stringify(this.stateFile)}\n`;
    return new Promise((resolve, reject) => {
      execFile('bash', ['-c', script], { cwd: this.cwd, env: this.env, timeout: timeoutMs }, (err, stdout, stderr) => {
        if (err) reject(new Error(`README step ${step.name} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve(stdout);
      });
    });
  }

  /** A variable a step exported. */
  variable(name: string): string {
    const value = this.variables()[name];
    if (value === undefined) throw new Error(`no step exported ${name}`);
    return value;
  }

  /** Every exported variable of the shell after the last step. */
  variables(): Record<string, string> {
    // `export -p` double-quotes a one-line value, backslash-escaping " \ $ and `.
    const lines = fs.readFileSync(this.stateFile, 'utf8').matchAll(/^declare -x (\w+)="((?:[^"\\]|\\.)*)"$/gm);
    return Object.fromEntries([...lines].map((m) => [m[1] as string, (m[2] as string).replace(/\\(.)/g, '$1')]));
  }

  dispose(): void {
    fs.rmSync(path.dirname(this.stateFile), { recursive: true, force: true });
  }
}
