import { performance } from 'node:perf_hooks';
import type { GatewayRequest, KongPlugin } from '../../devstack/kong-rpc';

/** Builds the i-th request of a run. */
export type RequestSource = (i: number) => GatewayRequest;

async function send(plugin: KongPlugin, request: GatewayRequest, expectProxied: boolean): Promise<void> {
  const outcome = await plugin.access(request);
  if (outcome.proxied !== expectProxied || outcome.rpcError) {
    throw new Error(`unexpected outcome: proxied ${outcome.proxied}, ${JSON.stringify(outcome.exit ?? outcome.rpcError)}`);
  }
}

/** Closed loop: `concurrency` requests in flight until `count` were answered. Returns requests per second. */
export async function closedLoop(plugin: KongPlugin, source: RequestSource, count: number, concurrency: number, expectProxied: boolean): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await send(plugin, source(next++), expectProxied);
    }),
  );
  return (count / (performance.now() - started)) * 1000;
}

/**
 * Open loop: `count` requests sent at `perSecond`, whatever the answers' pace, each timed from its SCHEDULED send
 * (so a stall delays the requests behind it and is counted, not hidden). Returns the latencies in ms.
 */
export async function openLoop(plugin: KongPlugin, source: RequestSource, count: number, perSecond: number, expectProxied: boolean): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const intervalMs = 1000 / perSecond;
  for (let i = 0; i < count; i++) {
    const scheduled = started + i * intervalMs;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send(plugin, source(i), expectProxied).then(() => void latencies.push(performance.now() - scheduled)));
  }
  await Promise.all(pending);
  return latencies;
}
