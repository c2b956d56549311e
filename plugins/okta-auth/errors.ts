import type { OktaAuthConfig } from './config';

/**
 * Why a request is refused. Authentication code returns or throws these; only the handler turns one into a
 * response, so every path that refuses a request is visible in one place.
 */
export type FailureCode =
  | 'no_credentials'
  | 'invalid_request'
  | 'invalid_token'
  | 'invalid_client'
  | 'insufficient_scope'
  | 'too_many_attempts'
  | 'forbidden_application'
  | 'forbidden_consumer'
  | 'idp_unavailable'
  | 'directory_unavailable'
  | 'unexpected';

export class AuthFailure extends Error {
  constructor(
    readonly code: FailureCode,
    readonly description: string,
    readonly retryAfterSeconds?: number,
  ) {
    // A refusal is an expected outcome whose stack is never logged, and capturing one costs more than the rest of
    // refusing a request (`npm run bench`, refusals): none is captured.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(description);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'AuthFailure';
  }
}

export interface FailureResponse {
  status: number;
  body: { message: string };
  headers: Record<string, string>;
}

// RFC 6750 error_description is a quoted-string of a restricted character set.
function quoted(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ');
}

function bearerChallenge(realm: string, error?: string, description?: string, scope?: string): string {
  let challenge = `Bearer realm="${realm}"`;
  if (error) challenge += `, error="${error}"`;
  if (description) challenge += `, error_description="${quoted(description)}"`;
  if (scope) challenge += `, scope="${quoted(scope)}"`;
  return challenge;
}

export const UNEXPECTED_RESPONSE: FailureResponse = {
  status: 500,
  body: { message: 'An unexpected error occurred' },
  headers: {},
};

export function failureResponse(failure: AuthFailure, config: OktaAuthConfig): FailureResponse {
  const { realm } = config;
  switch (failure.code) {
    case 'no_credentials':
      return { status: 401, body: { message: 'Unauthorized' }, headers: { 'WWW-Authenticate': bearerChallenge(realm) } };
    case 'invalid_request':
    case 'invalid_token':
    case 'invalid_client':
      return {
        status: 401,
        body: { message: 'Unauthorized' },
        headers: {
          'WWW-Authenticate': bearerChallenge(
            realm,
            failure.code === 'invalid_request' ? 'invalid_request' : 'invalid_token',
            failure.description,
          ),
        },
      };
    case 'insufficient_scope':
      return {
        status: 403,
        body: { message: 'Forbidden' },
        headers: {
          'WWW-Authenticate': bearerChallenge(
            realm,
            'insufficient_scope',
            failure.description,
            config.scopesRequired.join(' ') || undefined,
          ),
        },
      };
    case 'forbidden_application':
    case 'forbidden_consumer':
      // Only a client whose credential verified gets here: it may learn why it is refused.
      return {
        status: 403,
        body: { message: 'Forbidden' },
        headers: { 'WWW-Authenticate': bearerChallenge(realm, 'insufficient_scope', failure.description) },
      };
    case 'too_many_attempts':
      return {
        status: 429,
        body: { message: 'Too many credential attempts' },
        headers: { 'Retry-After': String(failure.retryAfterSeconds ?? 60) },
      };
    case 'idp_unavailable':
      return {
        status: 503,
        body: { message: 'Identity provider unavailable' },
        headers: failure.retryAfterSeconds ? { 'Retry-After': String(failure.retryAfterSeconds) } : {},
      };
    case 'directory_unavailable':
      return { status: 503, body: { message: 'Application directory unavailable' }, headers: {} };
    case 'unexpected':
      return UNEXPECTED_RESPONSE;
  }
}

export const UNEXPECTED = new AuthFailure('unexpected', 'An unexpected error occurred');
