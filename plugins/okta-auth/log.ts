import { LRUCache } from 'lru-cache';

/**
 * Plugin-side diagnostics. They go to the plugin server's stderr, which Kong writes to its error log, instead of
 * kong.log: that would cost an RPC round trip to Kong on the paths that must stay cheapest. Callers pass only
 * what is safe to log (never a token or a secret).
 */
export function logWarning(event: string, detail: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level: 'warn', plugin: 'okta-auth', event, ...detail })}\n`);
}

const REPEAT_WINDOW_MS = 60_000;
// Causes seen within the window; bounded, so a flood of distinct causes cannot grow memory.
const lastLogged = new LRUCache<string, { at: number; suppressed: number }>({ max: 1000 });

/** One outage of a service is one cause, whatever client id it was asked about (the sidecar's lookup URL names it). */
function causeOf(event: string, reason: string): string {
  return `${event}\n${reason.replace(/\/by-client-id\/\S*/g, '/by-client-id/*')}`;
}

/**
 * An outage makes every request fail the same way: logged once per cause and minute, with how many were not
 * logged since, so a failing dependency is visible without flooding Kong's error log.
 */
export function logFailure(event: string, reason: string, now = Date.now()): void {
  const cause = causeOf(event, reason);
  const seen = lastLogged.get(cause);
  if (seen && now - seen.at < REPEAT_WINDOW_MS) {
    seen.suppressed += 1;
    return;
  }
  logWarning(event, { reason, ...(seen && seen.suppressed > 0 && { repeated_since_last_log: seen.suppressed }) });
  lastLogged.set(cause, { at: now, suppressed: 0 });
}
