import http = require('node:http');
import { listenOn } from './listen-port';

export interface DemoUpstreamOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Called with every request that reached the upstream (tests record this ground truth). */
  onRequest?: (request: EchoedRequest) => void;
}

export interface DemoUpstream {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** What the demo upstream answers: the request exactly as it arrived, so a person sees what the gateway added. */
export interface EchoedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function queryObject(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(search.keys())) {
    const values = search.getAll(name);
    query[name] = values.length === 1 ? values[0] : values;
  }
  return query;
}

async function echo(request: http.IncomingMessage): Promise<EchoedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const url = new URL(request.url ?? '/', 'http://demo-upstream');
  return {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: queryObject(url.searchParams),
    headers: request.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

/**
 * The upstream of the dev stack: answers every request with 200 and the request it received as JSON.
 *
 * @example
 * const upstream = await startDemoUpstream({ port: 9100 });
 * // curl http://127.0.0.1:9100/hello?x=1 -> {"method":"GET","path":"/hello","query":{"x":"1"},"headers":{...},"body":""}
 * await upstream.close();
 */
export async function startDemoUpstream(options: DemoUpstreamOptions): Promise<DemoUpstream> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((request, response) => {
    echo(request).then(
      (echoed) => {
        options.onRequest?.(echoed);
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(echoed));
      },
      () => response.destroy(), // the client went away mid-body
    );
  });
  const port = await listenOn(server, 'demo upstream', options.port, host);
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
