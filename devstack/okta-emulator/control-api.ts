// The shapes of the control API (/__emulator/), shared with the test fixture (test/support/okta-emulator.ts),
// which imports them as types only: this module must stay free of imports.

export type KeyStatus = 'ACTIVE' | 'NEXT' | 'EXPIRED';

/** What every /__emulator/keys call answers. */
export interface KeySummary {
  keys: { kid: string; status: KeyStatus }[];
}

/** POST /__emulator/faults: the next requests whose path starts with `path` are delayed and/or answered with `status`. */
export interface FaultSpec {
  /** Path prefix, e.g. '/oauth2/default/v1/token' or '/oauth2/v1/clients'. */
  path: string;
  status?: number;
  /** JSON body of the faulted answer (needs status); a generic error object by default. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Delay before answering (or before serving normally, without status). */
  delay_ms?: number;
  /** How many requests it applies to (GET /faults shows what is left); unlimited when absent. */
  times?: number;
}

/** GET /__emulator/stats: requests that arrived per endpoint, faulted ones and those refused while down included. */
export interface EmulatorStats {
  token: number;
  keys: number;
  clients: number;
  discovery: number;
  other: number;
}

/** POST /__emulator/sign answers the token and what it was made of. */
export interface SignedToken {
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}
