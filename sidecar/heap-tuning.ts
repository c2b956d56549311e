import v8 from 'node:v8';

/**
 * V8's allocation-site pretenuring off, before the first request. Under a steady stream of gateway lookups on
 * PostgreSQL it moved each request's objects (pg's rows and queries, Kysely's and fastify's per-request objects)
 * straight into the old generation: a sampling heap profile of what outlived a scavenge found 15 MB in 8 s at
 * 1,000 lookups/s, against 0.6 MB on SQLite. The old generation grew by about half a kilobyte per lookup until a
 * full mark-compact, and each scavenge took longer; both showed in the lookups' p99 (BENCHMARKS.md). Without it the
 * heap stays flat. A heuristic of V8's, so a V8 flag: no library setting reaches it.
 */
v8.setFlagsFromString('--no-allocation-site-pretenuring');
