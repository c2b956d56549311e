import type { Headers } from './http';

/** Okta's fixed per-minute windows on the DCR endpoints; 0 turns the limit (and its headers) off. */
export class RateLimiter {
  private windowStart = 0;
  private used = 0;

  constructor(readonly limit: number) {}

  /** Counts one request; returns its headers and whether it is over the limit. */
  hit(now = Date.now()): { limited: boolean; headers: Headers } {
    if (this.limit <= 0) return { limited: false, headers: {} };
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.used = 0;
    }
    this.used += 1;
    return {
      limited: this.used > this.limit,
      headers: {
        'X-Rate-Limit-Limit': this.limit,
        'X-Rate-Limit-Remaining': Math.max(0, this.limit - this.used),
        'X-Rate-Limit-Reset': Math.ceil((this.windowStart + 60_000) / 1000),
      },
    };
  }
}
