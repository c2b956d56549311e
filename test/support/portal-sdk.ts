/** Kong's portal SDK against the portal listener, as a browser on one host calls it. */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { PortalContract } from './portal-contract';

/** An axios instance that keeps the cookies the portal sets, as a browser on one host does. */
export function browserLikeClient(baseURL: string): AxiosInstance {
  const jar = new Map<string, string>();
  const client = axios.create({ baseURL, headers: { accept: 'application/json' } });
  client.interceptors.request.use((config) => {
    if (jar.size > 0) config.headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    return config;
  });
  const keep = (headers: Record<string, unknown> | undefined) => {
    for (const line of (headers?.['set-cookie'] as string[] | undefined) ?? []) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (value === '') jar.delete(name);
      else jar.set(name, value);
    }
  };
  client.interceptors.response.use(
    (response) => {
      keep(response.headers as Record<string, unknown>);
      return response;
    },
    (error: { response?: { headers?: Record<string, unknown> } }) => {
      keep(error.response?.headers);
      return Promise.reject(error);
    },
  );
  return client;
}

export const statusOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { response?: { status: number } }) => error.response?.status,
  );

/** One response the SDK got, as received: for contract checks and secret counts. */
export interface SeenResponse {
  method: string;
  path: string;
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

/**
 * Records every response of a browser-like client (kept cookies) and checks it against the contract: `problems()`
 * lists each response that is not one the contract allows for its operation and status.
 */
export function recordedClient(baseURL: string, contract: PortalContract) {
  const client = browserLikeClient(baseURL);
  const seen: SeenResponse[] = [];
  const problems: string[] = [];
  const record = (response: AxiosResponse | undefined) => {
    if (!response) return;
    const method = (response.config.method ?? 'get').toUpperCase();
    const path = new URL(response.config.url ?? '', baseURL).pathname;
    const body = typeof response.data === 'string' ? response.data : response.data === undefined ? '' : JSON.stringify(response.data);
    const headers = response.headers as Record<string, unknown>;
    seen.push({ method, path, status: response.status, headers, body });
    const template = contract.templateOf(method, path);
    const found = template ? contract.problemsOf(method, template, { statusCode: response.status, headers, body }) : [`no operation`];
    problems.push(...found.map((problem) => `${method} ${path} ${response.status}: ${problem}`));
  };
  client.interceptors.response.use(
    (response) => {
      record(response);
      return response;
    },
    (error: { response?: AxiosResponse }) => {
      record(error.response);
      return Promise.reject(error);
    },
  );
  return { client, seen, problems: () => problems };
}
