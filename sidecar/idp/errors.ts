import type { AxiosResponse } from 'axios';
import { ProblemError } from '../domain/errors';

export interface IdpErrorBody {
  error: string;
  error_description: string;
}

/**
 * A failed IdP call, with the IdP's own words. `kind` says what happened: `not_found` (the client is already gone),
 * `rejected` (the IdP said no) and `failed` (the IdP answered with a server error) are 502; `unavailable` (no answer
 * in time, unreachable, or rate-limited) is 503, to be retried later.
 */
export class IdpError extends ProblemError {
  constructor(
    readonly kind: 'not_found' | 'rejected' | 'failed' | 'unavailable',
    detail: string,
    idpError: IdpErrorBody,
    retryAfter?: number,
  ) {
    const status = kind === 'unavailable' ? 503 : 502;
    super(status, detail, {
      idp_error: idpError,
      ...(retryAfter !== undefined && { retryAfter }),
    });
  }

  /** The IdP may have acted anyway (a server error, no answer in time, a network error); a 429 or a refusal: it did not. */
  get outcomeUnknown(): boolean {
    return this.kind === 'failed' || (this.kind === 'unavailable' && this.extras.retryAfter === undefined);
  }
}

/** The OAuth error shape (`{error, error_description}`) most DCR APIs answer with, or a generic one. */
export function oauthError(response: AxiosResponse, idpName: string): IdpErrorBody {
  const body = (response.data ?? {}) as Record<string, unknown>;
  if (typeof body.error === 'string') return { error: body.error, error_description: String(body.error_description ?? '') };
  return { error: `http_${response.status}`, error_description: `${idpName} answered HTTP ${response.status}` };
}

/** An IdpError for an unexpected answer: 5xx means the IdP failed, anything else means it refused. */
export function idpFailure(response: AxiosResponse, what: string, idpName: string, body = oauthError(response, idpName)): IdpError {
  const kind = response.status >= 500 ? 'failed' : 'rejected';
  return new IdpError(kind, `${idpName} refused to ${what}: ${body.error_description || body.error}`, body);
}
