import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosResponse } from 'axios';
import { AuthFailure } from './errors';

/**
 * One HTTP client for every call to the identity provider: keep-alive connections (a request that needs the IdP
 * must not pay a TLS handshake), no redirects (a key set or token must come from the configured URL), and a total
 * deadline per call, connect included, which axios's `timeout` alone does not give.
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
 * Sends a request and returns the IdP's answer; a network failure, the deadline, a 429 or a 5xx become an
 * `idp_unavailable` failure, because the request cannot be decided without the IdP.
 */
export async function callIdp(
  request: { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; data?: string },
  timeoutMs: number,
): Promise<AxiosResponse> {
  let response: AxiosResponse;
  try {
    response = await client.request({ ...request, timeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const reason = axios.isAxiosError(err) ? (err.code ?? err.message) : String(err);
    throw new AuthFailure('idp_unavailable', `identity provider unreachable (${reason})`);
  }
  if (response.status === 429 || response.status >= 500) {
    throw new AuthFailure(
      'idp_unavailable',
      `identity provider answered ${response.status}`,
      retryAfter(response),
    );
  }
  return response;
}
