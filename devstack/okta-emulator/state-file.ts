// Where the emulator keeps its clients and keys between runs (the dev stack's data directory), so that a restart
// keeps every registered application working. Without a directory the state lives in memory only, as in tests.
import path from 'node:path';

import { readJsonFile, writeOwnerOnlyFile } from '../owner-only-file';

export interface StateFile {
  /** What the last run saved (its owner checks the shape), or undefined on a first run and in memory. */
  load(): unknown;
  /** Replaces the saved state, atomically and owner-only. */
  save(state: unknown): void;
  /** Names the file in messages. */
  readonly name: string;
}

export function stateFile(dataDir: string | undefined, name: string): StateFile {
  if (dataDir === undefined) return { load: () => undefined, save: () => undefined, name };
  const file = path.join(dataDir, name);
  return {
    load: () => readJsonFile(file),
    save: (state) => writeOwnerOnlyFile(file, `${JSON.stringify(state)}\n`),
    name: file,
  };
}
