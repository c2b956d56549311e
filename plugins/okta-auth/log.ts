/**
 * Plugin-side diagnostics. They go to the plugin server's stderr, which Kong writes to its error log, instead of
 * kong.log: that would cost an RPC round trip to Kong on the paths that must stay cheapest. Callers pass only
 * what is safe to log (never a token or a secret).
 */
export function logWarning(event: string, detail: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level: 'warn', plugin: 'okta-auth', event, ...detail })}\n`);
}
