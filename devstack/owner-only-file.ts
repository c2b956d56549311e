import fs from 'node:fs';
import path from 'node:path';

/**
 * Writes `text` to `file` readable by its owner only (0600, the directory 0700). Written aside and renamed: a
 * process killed mid-write leaves the previous file whole, never a torn one.
 */
export function writeOwnerOnlyFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, text, { mode: 0o600 });
  fs.renameSync(partial, file);
}

export class NotJsonError extends Error {}

/** The JSON in `file`, or undefined when there is no such file; a file that is not JSON throws, naming it. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new NotJsonError(`${file} is not valid JSON`);
  }
}
