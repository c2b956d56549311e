import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosResponse } from 'axios';
import { AuthFailure, type FailureCode } from './errors';

/**
 * One HTTP client for every call the plugin makes (identity provider, sidecar): keep-alive connections (a request
 * that needs the IdP must not pay a TLS handshake), no redirects (a key set or token must come from the configured
 * URL), and a total deadline per call, connect included, which axios's `timeout` alone does not give.
 */
const client = axios.create({
  maxRedirects: 0,
  validateStatus: () => true,
  httpAgent: new http.Agent({ keepAlive: true }),
  httpsAgent: new https.Agent({ keepAlive: true }),
  headers: { 'User-Agent': 'kong-okta-dcr okta-auth', Accept: 'application/json' },
  // The IdP's answers are small; a huge one is an attack or an error.
  maxContentLength: 1024 * 1024,
  // A configured proxy in the environment must not see tokens or secrets unannounced.
  proxy: false,
});

/** Seconds to wait before retrying, from a 429/503 Retry-After header, when it is a plain number. */
function retryAfter(response: AxiosResponse): number | undefined {
  const value = Number(response.headers['retry-after']);
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : undefined;
}

/**
 * Sends a request and returns the answer; a network failure, the deadline, a 429 or a 5xx become an
 * `unavailable` failure (by default `idp_unavailable`), because the request cannot be decided without that service.
 */
export async function callRemote(
  request: { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; data?: string },
  timeoutMs: number,
  unavailable: Extract<FailureCode, 'idp_unavailable' | 'directory_unavailable'> = 'idp_unavailable',
): Promise<AxiosResponse> {
  let response: AxiosResponse;
  try {
    response = await client.request({ ...request, timeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const reason = axios.isAxiosError(err) ? (err.code ?? err.message) : String(err);
    throw new AuthFailure(unavailable, `${request.url} unreachable (${reason})`);
  }
  if (response.status === 429 || response.status >= 500) {
    throw new AuthFailure(unavailable, `${request.url} answered ${response.status}`, retryAfter(response));
  }
  return response;
}
