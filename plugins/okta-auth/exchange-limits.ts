import { AuthFailure } from './errors';

/**
 * Bounds on client-credentials exchanges, so a flood of wrong secrets never becomes a flood at the IdP:
 * a budget of exchanges per client id per window, a rate of exchanges overall (made-up client ids each get their
 * own budget), and a cap on exchanges in flight overall (the rest wait for a place until their deadline).
 * Legitimate traffic exchanges once per client and secret per token_cache_ttl, far below any of them.
 */
const EXCHANGES_PER_CLIENT_PER_WINDOW = 10;
const EXCHANGE_WINDOW_MS = 60_000;
export const EXCHANGES_PER_SECOND_OVERALL = 50;
const MAX_EXCHANGES_IN_FLIGHT = 16;

const attempts = new Map<string, { windowStart: number; count: number }>();
// A token bucket: up to one second's worth in a burst, refilled continuously.
const overall = { tokens: EXCHANGES_PER_SECOND_OVERALL, refilledAt: 0 };

function spendOverall(now: number): void {
  const refill = ((now - overall.refilledAt) / 1000) * EXCHANGES_PER_SECOND_OVERALL;
  overall.tokens = Math.min(EXCHANGES_PER_SECOND_OVERALL, overall.tokens + refill);
  overall.refilledAt = now;
  if (overall.tokens < 1) throw new AuthFailure('too_many_attempts', 'too many credential exchanges overall', 1);
  overall.tokens -= 1;
}

export function spendAttempt(clientId: string, now = Date.now()): void {
  const entry = attempts.get(clientId);
  const newWindow = !entry || now - entry.windowStart >= EXCHANGE_WINDOW_MS;
  if (!newWindow && entry.count >= EXCHANGES_PER_CLIENT_PER_WINDOW) {
    const retryAfter = Math.ceil((entry.windowStart + EXCHANGE_WINDOW_MS - now) / 1000);
    throw new AuthFailure('too_many_attempts', 'too many credential exchanges for this client', retryAfter);
  }
  spendOverall(now);
  if (newWindow) {
    // Sweep expired windows as we go: the map must not keep every client id a flood made up.
    if (attempts.size > 10_000) {
      for (const [id, e] of attempts) if (now - e.windowStart >= EXCHANGE_WINDOW_MS) attempts.delete(id);
    }
    attempts.set(clientId, { windowStart: now, count: 1 });
    return;
  }
  entry.count += 1;
}

let inFlight = 0;
// A finishing exchange hands its place straight to the oldest waiter, so the cap holds exactly.
const waiting: Array<() => void> = [];

function acquire(deadline: number): Promise<void> {
  if (inFlight < MAX_EXCHANGES_IN_FLIGHT) {
    inFlight += 1;
    return Promise.resolve();
  }
  return new Promise<void>((resolve, reject) => {
    const wake = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      waiting.splice(waiting.indexOf(wake), 1);
      reject(new AuthFailure('idp_unavailable', 'too many credential exchanges in flight'));
    }, Math.max(0, deadline - Date.now()));
    waiting.push(wake);
  });
}

function release(): void {
  const next = waiting.shift();
  if (next) next();
  else inFlight -= 1;
}

/** Runs `exchange` once a place is free, or fails as unavailable when none frees up before the deadline. */
export async function withExchangeSlot<T>(deadline: number, exchange: () => Promise<T>): Promise<T> {
  await acquire(deadline);
  try {
    return await exchange();
  } finally {
    release();
  }
}
