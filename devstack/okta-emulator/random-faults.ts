// Random faults on the DCR API (/oauth2/v1/clients), drawn from a seeded generator, for load tests of what a
// client does when Okta misbehaves: what a real org does now and then, at a rate a test picks. Off unless the
// emulator is started with `randomFaults` (OKTA_EMULATOR_RANDOM_FAULTS, JSON); GET /__emulator/random-faults
// counts them, DELETE stops them.
import type { IncomingMessage, ServerResponse } from 'node:http';

import { oktaError, sendJson } from './http';

/**
 * What can go wrong with one request, and whether the request took effect first (`_after`: a client created or
 * deleted that the caller never hears about).
 */
export const RANDOM_FAULT_KINDS = [
  /** No answer within any sensible deadline (held for `hang_ms`, then the connection is dropped). */
  'timeout_after',
  /** 503 E0000009 without acting. */
  'error_before',
  /** Acted, then answered 500 E0000009 instead. */
  'error_after',
  /** 429 E0000047 with Retry-After: 1, without acting. */
  'rate_limited',
  /** The connection destroyed before acting. */
  'drop_before',
  /** Acted, then the connection destroyed before the answer. */
  'drop_after',
] as const;

export type RandomFaultKind = (typeof RANDOM_FAULT_KINDS)[number];

export interface RandomFaultOptions {
  /** The same seed draws the same faults for the same sequence of requests. */
  seed: number;
  /** Chance of each kind per request, 0 to 1; together at most 1. Kinds left out never happen. */
  probabilities: Partial<Record<RandomFaultKind, number>>;
  /** How long a `timeout_after` answer is held before its connection is dropped; 30000 by default. */
  hang_ms?: number;
}

/** GET /__emulator/random-faults: whether they are still injected, and how many of each so far. */
export interface RandomFaultCounts {
  active: boolean;
  requests: number;
  injected: Record<RandomFaultKind, number>;
}

const DEFAULT_HANG_MS = 30_000;

/** Checks options read from JSON; throws an Error naming what is wrong. */
export function checkRandomFaults(input: unknown): RandomFaultOptions {
  const o = (input ?? {}) as Record<string, unknown>;
  if (!Number.isInteger(o.seed)) throw new Error('randomFaults.seed must be an integer');
  const probabilities = (o.probabilities ?? {}) as Record<string, unknown>;
  let total = 0;
  for (const [kind, p] of Object.entries(probabilities)) {
    if (!(RANDOM_FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`randomFaults.probabilities: ${kind} is not one of ${RANDOM_FAULT_KINDS.join(', ')}`);
    }
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`randomFaults.probabilities.${kind} must be from 0 to 1`);
    total += p;
  }
  if (total > 1) throw new Error('randomFaults.probabilities must add up to at most 1');
  if (o.hang_ms !== undefined && !(Number.isInteger(o.hang_ms) && (o.hang_ms as number) >= 0)) {
    throw new Error('randomFaults.hang_ms must be a non-negative integer');
  }
  return input as RandomFaultOptions;
}

/** mulberry32: a small seeded generator of floats in [0, 1); reproducible, not for secrets. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs `serve` with its answer swallowed: it acts (creates, deletes) but nothing reaches the caller. Resolves
 * once it has answered, with the response's own methods back.
 */
async function servedUnheard(res: ServerResponse, serve: () => Promise<void>): Promise<void> {
  const { writeHead, end } = res;
  res.writeHead = (() => res) as typeof res.writeHead;
  res.end = (() => res) as typeof res.end;
  try {
    await serve();
  } finally {
    Object.assign(res, { writeHead, end });
  }
}

export class RandomFaults {
  private active = true;
  private requests = 0;
  private readonly injected = Object.fromEntries(RANDOM_FAULT_KINDS.map((kind) => [kind, 0])) as Record<RandomFaultKind, number>;
  private readonly random: () => number;
  private readonly hangMs: number;

  constructor(private readonly options: RandomFaultOptions) {
    this.random = seededRandom(options.seed);
    this.hangMs = options.hang_ms ?? DEFAULT_HANG_MS;
  }

  counts(): RandomFaultCounts {
    return { active: this.active, requests: this.requests, injected: { ...this.injected } };
  }

  stop(): void {
    this.active = false;
  }

  private draw(): RandomFaultKind | undefined {
    const roll = this.random();
    let bound = 0;
    for (const kind of RANDOM_FAULT_KINDS) {
      bound += this.options.probabilities[kind] ?? 0;
      if (roll < bound) return kind;
    }
    return undefined;
  }

  /** Answers one DCR request: normally through `serve`, or with the fault drawn for it. */
  async serve(req: IncomingMessage, res: ServerResponse, serve: () => Promise<void>): Promise<void> {
    if (!this.active) return serve();
    this.requests += 1;
    const kind = this.draw();
    if (kind === undefined) return serve();
    this.injected[kind] += 1;
    switch (kind) {
      case 'error_before':
        return sendJson(res, 503, oktaError('E0000009', 'Service unavailable (injected fault)'));
      case 'rate_limited':
        return sendJson(res, 429, oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'), { 'Retry-After': '1' });
      case 'drop_before':
        req.socket.destroy();
        return;
      case 'error_after':
        await servedUnheard(res, serve);
        return sendJson(res, 500, oktaError('E0000009', 'Internal Server Error (injected fault)'));
      case 'drop_after':
        await servedUnheard(res, serve);
        req.socket.destroy();
        return;
      case 'timeout_after':
        await servedUnheard(res, serve);
        // unref: a held answer must not keep the process open after close().
        setTimeout(() => req.socket.destroy(), this.hangMs).unref();
        return;
    }
  }
}
