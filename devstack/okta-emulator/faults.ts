// Injected faults (POST /__emulator/faults): requests whose path starts with a fault's path are delayed and/or
// answered with its status, its `times` times or until cleared.
import type { FaultSpec } from './control-api';

/** A control request the emulator cannot act on: 400 invalid_request with this message. */
export class ControlError extends Error {}

export function parseFault(input: unknown): FaultSpec {
  const f = (input ?? {}) as Record<string, unknown>;
  const bad = (message: string): never => {
    throw new ControlError(message);
  };
  if (typeof f.path !== 'string' || !f.path.startsWith('/')) bad('path must be a string starting with /');
  if (f.status !== undefined && !(Number.isInteger(f.status) && (f.status as number) >= 100 && (f.status as number) <= 599)) {
    bad('status must be an HTTP status code');
  }
  if (f.body !== undefined && f.status === undefined) bad('body needs a status');
  if (f.headers !== undefined) {
    const ok = typeof f.headers === 'object' && f.headers !== null && Object.values(f.headers).every((v) => typeof v === 'string');
    if (!ok) bad('headers must be an object of strings');
  }
  if (f.delay_ms !== undefined && !(Number.isInteger(f.delay_ms) && (f.delay_ms as number) >= 0 && (f.delay_ms as number) <= 600_000)) {
    bad('delay_ms must be an integer from 0 to 600000');
  }
  if (f.times !== undefined && !(Number.isInteger(f.times) && (f.times as number) >= 1)) bad('times must be a positive integer');
  if (f.status === undefined && f.delay_ms === undefined) bad('a fault needs a status, a delay_ms, or both');
  const { path, status, body, headers, delay_ms: delayMs, times } = f;
  return {
    path: path as string,
    ...(status !== undefined && { status: status as number }),
    ...(body !== undefined && { body }),
    ...(headers !== undefined && { headers: headers as Record<string, string> }),
    ...(delayMs !== undefined && { delay_ms: delayMs as number }),
    ...(times !== undefined && { times: times as number }),
  };
}

export class Faults {
  private faults: FaultSpec[] = [];

  list(): { faults: FaultSpec[] } {
    return { faults: this.faults };
  }

  add(input: unknown): void {
    this.faults.push(parseFault(input));
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault that applies to a request on `path`, counting it down. */
  take(path: string): FaultSpec | undefined {
    const fault = this.faults.find((f) => path.startsWith(f.path));
    if (fault?.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
    }
    return fault;
  }
}
