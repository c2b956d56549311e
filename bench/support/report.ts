import fs from 'node:fs';
import type { Spread } from './figures';

interface RatioRow {
  ratio: Spread;
  pluginPerSecond: Spread;
  noopPerSecond: Spread;
}

interface BasicCount {
  requests: number;
  idpTokenCalls: number;
  statuses: Record<string, number>;
  seconds: number;
}

interface MemorySample {
  rssMiB: number;
  heapMiB: number;
  events: number;
  cache: { entries: number; bytes: number };
}

/** Target 5's bound: 20 MB (10^6 bytes), in the MiB the figures are given in. */
const MAX_GROWTH_MIB = (20 * 1e6) / 1048576;

export interface Results {
  machine: { cpus: number; node: string; date: string; pinned: boolean; quick: boolean };
  method: { rounds: number; requestsPerRound: number; firstSightRequestsPerRound: number; cacheBound: number };
  validBearer: Array<{ scenario: string; inFlight: number } & RatioRow>;
  refusals: Array<{ refusal: string } & RatioRow>;
  inProcess: {
    microsecondsPerToken: { bareRs256: Spread; repeatToken: Spread; firstSight: Spread };
    repeatSpeedupOverBare: Spread;
    firstSightSpeedOfBare: Spread;
  };
  basic: { sameCredentials: BasicCount; wrongSecret: BasicCount; distinctClients: BasicCount };
  memory: {
    requestsEach: number;
    distinctTokens: number;
    refusalClasses: string[];
    cacheBound: { entries: number; bytes: number };
    baseline: MemorySample;
    afterRefusals: MemorySample;
    afterAcceptances: MemorySample;
    rssGrowthMiB: number;
    heapGrowthMiB: number;
  };
  latency: {
    requestsPerSecond: number;
    requestsPerRound: number;
    noopMs: { p50: number; p99: number };
    pluginMs: { p50: number; p99: number };
    addedMs: { p50: number; p99: number };
  };
  instructions:
    | { available: false; reason: string }
    | { available: true; requestsPerFigure: number; rows: Record<string, { plugin: number; noop: number; ratio: number }> };
}

/** What a run measured: every phase, or the phases it finished when it was cut short. */
export type PartialResults = Pick<Results, 'machine' | 'method'> & Partial<Omit<Results, 'machine' | 'method'>>;

export interface Verdict {
  target: string;
  met: boolean | 'reported';
  figure: string;
}

const f = (spread: Spread, digits = 3) => `${spread.median.toFixed(digits)} (min ${spread.min.toFixed(digits)}, max ${spread.max.toFixed(digits)})`;

function verdicts(r: PartialResults): Verdict[] {
  const out: Verdict[] = [];
  for (const row of r.validBearer ?? []) {
    const firstSight = row.scenario.startsWith('first sight');
    const target = firstSight ? 0.85 : 0.95;
    out.push({ target: `1 (${row.scenario}, ${row.inFlight} in flight, >= ${target})`, met: row.ratio.median >= target, figure: f(row.ratio) });
  }
  for (const row of r.refusals ?? []) {
    const cpuCase = row.refusal.startsWith('bad signature');
    out.push({ target: `2 (${row.refusal}${cpuCase ? ', reported' : ', >= 0.95'})`, met: cpuCase ? 'reported' : row.ratio.median >= 0.95, figure: f(row.ratio) });
  }
  if (r.inProcess) {
    out.push({ target: '3 (repeat token >= 5x faster than bare RS256)', met: r.inProcess.repeatSpeedupOverBare.median >= 5, figure: `${f(r.inProcess.repeatSpeedupOverBare, 2)}x` });
    out.push({ target: '3 (first sight >= 0.6 of bare RS256)', met: r.inProcess.firstSightSpeedOfBare.median >= 0.6, figure: f(r.inProcess.firstSightSpeedOfBare) });
  }
  if (r.basic) {
    const { sameCredentials, wrongSecret, distinctClients } = r.basic;
    out.push({ target: '4 (same credentials: 1 IdP call per token lifetime)', met: sameCredentials.idpTokenCalls === 1, figure: `${sameCredentials.idpTokenCalls} token calls for ${sameCredentials.requests} requests` });
    out.push({ target: '4 (wrong secret: bounded by the negative-cache window)', met: wrongSecret.idpTokenCalls <= Math.ceil(wrongSecret.seconds / 30) + 1, figure: `${wrongSecret.idpTokenCalls} token calls for ${wrongSecret.requests} requests in ${wrongSecret.seconds} s` });
    out.push({
      target: '4 (distinct clients: single flight per client, the global cap answering 429)',
      met: distinctClients.idpTokenCalls <= distinctClients.requests,
      figure: `${distinctClients.idpTokenCalls} token calls for ${distinctClients.requests} clients, statuses ${JSON.stringify(distinctClients.statuses)}`,
    });
  }
  if (r.memory) {
    const m = r.memory;
    out.push({
      target: '5 (RSS and GC\'d heap growth < 20 MB)',
      met: m.rssGrowthMiB < MAX_GROWTH_MIB && m.heapGrowthMiB < MAX_GROWTH_MIB,
      figure: `RSS +${m.rssGrowthMiB} MiB, heap +${m.heapGrowthMiB} MiB after ${m.requestsEach} refusals + ${m.requestsEach} acceptances over ${m.distinctTokens} tokens`,
    });
    const within = [m.afterRefusals, m.afterAcceptances].every((s) => s.cache.entries <= m.cacheBound.entries && s.cache.bytes <= m.cacheBound.bytes);
    out.push({
      target: '5 (the verified-token cache within its bound)',
      met: within,
      figure: `${m.afterAcceptances.cache.entries} entries (bound ${m.cacheBound.entries}), ${m.afterAcceptances.cache.bytes} bytes (bound ${m.cacheBound.bytes})`,
    });
  }
  if (r.latency) {
    out.push({ target: '6 (latency added over the no-op, p50 / p99)', met: 'reported', figure: `${r.latency.addedMs.p50} / ${r.latency.addedMs.p99} ms at ${r.latency.requestsPerSecond} req/s` });
  }
  const missing = (['validBearer', 'refusals', 'inProcess', 'instructions', 'basic', 'latency', 'memory'] as const).filter((key) => r[key] === undefined);
  if (missing.length > 0) out.push({ target: `not measured: ${missing.join(', ')}`, met: false, figure: 'the run was cut short before these phases' });
  return out;
}

function markdown(r: PartialResults, list: Verdict[], notes: string): string {
  const lines = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` (bench/gateway-path.ts) on ${r.machine.date}: ${r.machine.cpus} cores, Node ${r.machine.node}, ` +
      `pinned with taskset: ${r.machine.pinned}${r.machine.quick ? ', QUICK smoke run (not a measurement)' : ''}. Raw figures: bench/results.json.`,
    '',
    `Each ratio is okta-auth's requests/s over the same-calls no-op's (the same PDK calls with the same headers in the same plugin server), ` +
      `median of ${r.method.rounds} interleaved rounds of ${r.method.requestsPerRound} requests (${r.method.firstSightRequestsPerRound} for first sight), with min and max. ` +
      'The plugin server runs on core 0, the Kong-side client on core 1, with one pooled connection per request in flight. ' +
      'This machine is shared with other engineers: requests/s move between runs, instruction counts do not.',
    '',
    '## Verdicts',
    '',
    '| target | met | figure |',
    '|---|---|---|',
    ...list.map((v) => `| ${v.target} | ${v.met === 'reported' ? 'reported' : v.met ? 'yes' : '**NOT MET**'} | ${v.figure} |`),
    '',
    '## Valid Bearer (target 1)',
    '',
    '| scenario | in flight | ratio | okta-auth req/s | no-op req/s |',
    '|---|---|---|---|---|',
    ...(r.validBearer ?? []).map((row) => `| ${row.scenario} | ${row.inFlight} | ${f(row.ratio)} | ${row.pluginPerSecond.median.toFixed(0)} | ${row.noopPerSecond.median.toFixed(0)} |`),
    '',
    '## Refusals (target 2, 8 in flight)',
    '',
    '| class | ratio | okta-auth req/s | no-op req/s |',
    '|---|---|---|---|',
    ...(r.refusals ?? []).map((row) => `| ${row.refusal} | ${f(row.ratio)} | ${row.pluginPerSecond.median.toFixed(0)} | ${row.noopPerSecond.median.toFixed(0)} |`),
    '',
    '## In-process (target 3)',
    '',
    r.inProcess
      ? `us per token: bare RS256 ${f(r.inProcess.microsecondsPerToken.bareRs256, 1)}, repeat token ${f(r.inProcess.microsecondsPerToken.repeatToken, 1)}, ` +
        `first sight ${f(r.inProcess.microsecondsPerToken.firstSight, 1)}.`
      : 'not measured',
    '',
    '## Basic credentials (target 4)',
    '',
    '```json',
    JSON.stringify(r.basic ?? 'not measured', null, 2),
    '```',
    '',
    '## Memory (target 5)',
    '',
    ...(r.memory
      ? [
          `${r.memory.requestsEach} refusals (${r.memory.refusalClasses.join(', ')}, interleaved), then ${r.memory.requestsEach} acceptances ` +
            `cycling through ${r.memory.distinctTokens} distinct tokens (the cache holds ${r.memory.cacheBound.entries}); each figure after a forced GC.`,
          '',
          '| when | RSS MiB | GC\'d heap MiB | open events | cache entries | cache bytes |',
          '|---|---|---|---|---|---|',
          ...([
            ['baseline (after warm-up)', r.memory.baseline],
            ['after the refusals', r.memory.afterRefusals],
            ['after the acceptances', r.memory.afterAcceptances],
          ] as const).map(([when, s]) => `| ${when} | ${s.rssMiB} | ${s.heapMiB} | ${s.events} | ${s.cache.entries} | ${s.cache.bytes} |`),
          `| bound | | | | ${r.memory.cacheBound.entries} | ${r.memory.cacheBound.bytes} |`,
        ]
      : ['not measured']),
    '',
    '## Latency (target 6)',
    '',
    '```json',
    JSON.stringify(r.latency ?? 'not measured', null, 2),
    '```',
    '',
    '## Instructions per request (callgrind)',
    '',
    ...(r.instructions?.available
      ? [
          `Over ${r.instructions.requestsPerFigure} requests per figure, every thread of the plugin-server process; ratio = no-op / okta-auth.`,
          '',
          '| class | okta-auth | no-op | ratio |',
          '|---|---|---|---|',
          ...Object.entries(r.instructions.rows).map(([name, row]) => `| ${name} | ${row.plugin} | ${row.noop} | ${row.ratio} |`),
        ]
      : [`Not measured: ${r.instructions?.reason ?? 'the run was cut short'}.`]),
    '',
    notes.trim(),
    '',
  ];
  return lines.join('\n');
}

/** Writes results.json and BENCHMARKS.md (with the hand-written notes of bench/benchmark-notes.md); returns the verdicts. */
export function writeReport(results: PartialResults, files: { json: string; markdown: string; notes: string }): Verdict[] {
  const list = verdicts(results);
  const notes = fs.existsSync(files.notes) ? fs.readFileSync(files.notes, 'utf8') : '';
  fs.writeFileSync(files.json, `${JSON.stringify({ ...results, verdicts: list }, null, 2)}\n`);
  fs.writeFileSync(files.markdown, markdown(results, list, notes) + otherSections(files.markdown));
  return list;
}

/** The sidecar benchmarks write their own section of BENCHMARKS.md by hand: a new gateway report keeps it. */
const OTHER_SECTIONS = '\n## Sidecar: ';

function otherSections(markdownFile: string): string {
  const previous = fs.existsSync(markdownFile) ? fs.readFileSync(markdownFile, 'utf8') : '';
  const at = previous.indexOf(OTHER_SECTIONS);
  return at < 0 ? '' : previous.slice(at);
}
