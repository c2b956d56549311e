import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { IdpError } from './errors';

/** One IdP operation's time budget: every attempt and every wait for a rate limit must fit in it. */
export class Deadline {
  private readonly end: number;
  constructor(timeoutMs: number) {
    this.end = Date.now() + timeoutMs;
  }
  remainingMs(): number {
    return Math.max(0, this.end - Date.now());
  }
}

/**
 * Never retry a 429 sooner than this: the reset is in whole seconds of the IdP's clock, and a reset that our clock
 * already sees as past would otherwise send retries back to back for the whole deadline.
 */
const MIN_RETRY_DELAY_MS = 1000;

/** When a 429 says we may try again, in ms from now (Okta: X-Rate-Limit-Reset epoch s; others: Retry-After s). */
function retryDelayMs(response: AxiosResponse): number {
  const reset = Number(response.headers['x-rate-limit-reset']);
  const retryAfter = Number(response.headers['retry-after']);
  let delayMs = MIN_RETRY_DELAY_MS;
  if (Number.isFinite(reset) && reset > 0) delayMs = reset * 1000 - Date.now();
  else if (Number.isFinite(retryAfter)) delayMs = retryAfter * 1000;
  return Math.max(MIN_RETRY_DELAY_MS, delayMs);
}

const unavailable = (what: string, description: string, retryAfter?: number) =>
  new IdpError('unavailable', `the identity provider could not ${what}: ${description}`, {
    error: 'temporarily_unavailable',
    error_description: description,
  }, retryAfter);

/** An axios instance for an IdP API: no redirects followed, every status returned to the caller. */
export function idpHttpClient(baseURL: string, headers: Record<string, string>): AxiosInstance {
  return axios.create({ baseURL, headers: { accept: 'application/json', ...headers }, maxRedirects: 0, validateStatus: () => true });
}

/**
 * Sends one request within the deadline. A 429 is retried once the IdP's reset time has passed if that is still
 * within the deadline; otherwise, as for timeouts and network errors, it becomes an `unavailable` IdpError.
 * Any other response is returned as is.
 */
export async function callIdp(
  http: AxiosInstance,
  request: AxiosRequestConfig,
  deadline: Deadline,
  what: string,
): Promise<AxiosResponse> {
  for (;;) {
    const remaining = deadline.remainingMs();
    if (remaining === 0) throw unavailable(what, 'no answer within the deadline');
    let response: AxiosResponse;
    try {
      response = await http.request({ ...request, signal: AbortSignal.timeout(remaining) });
    } catch (error) {
      const aborted = axios.isCancel(error) || (error as { code?: string }).code === 'ERR_CANCELED';
      // Only the code and message: the error object also holds our request headers (the API token).
      throw unavailable(what, aborted ? 'no answer within the deadline' : `unreachable (${(error as Error).message})`);
    }
    if (response.status !== 429) return response;
    const waitMs = retryDelayMs(response);
    if (waitMs >= deadline.remainingMs()) {
      throw unavailable(what, 'rate limited by the identity provider', Math.max(1, Math.ceil(waitMs / 1000)));
    }
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
