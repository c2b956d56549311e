import { StoreConstraintError } from '../store/errors';
import type { ConstraintViolation } from '../store/dialect';

/** A field the caller got wrong, and why. */
export interface InvalidParameter {
  field: string;
  reason: string;
}

/** The IdP's own words about a failure, passed on to the caller (never an opaque failure). */
export interface IdpErrorDetail {
  error: string;
  error_description: string;
}

export interface ProblemExtras {
  invalid_parameters?: InvalidParameter[];
  idp_error?: IdpErrorDetail;
  /** Seconds, for 429/503. */
  retryAfter?: number;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The title of a status, as Konnect's problem shape has it. */
export const titleOf = (status: number): string => TITLES[status] ?? 'Error';

/**
 * A failure the caller should see, in the terms of Konnect's problem shape; its title follows from its status.
 * Domain code throws the subclasses below (one per meaning); the HTTP layer turns them into responses.
 */
export class ProblemError extends Error {
  readonly title: string;

  constructor(
    readonly status: number,
    detail: string,
    readonly extras: ProblemExtras = {},
  ) {
    super(detail);
    this.name = new.target.name;
    this.title = titleOf(status);
  }
}

/** 400: fields the caller got wrong; the detail names the first. */
export class InvalidInput extends ProblemError {
  constructor(invalid: InvalidParameter[]) {
    super(400, `${invalid[0]?.field}: ${invalid[0]?.reason}`, { invalid_parameters: invalid });
  }

  static field(field: string, reason: string): InvalidInput {
    return new InvalidInput([{ field, reason }]);
  }
}

/** 401: no credentials, or credentials nobody has. */
export class Unauthorized extends ProblemError {
  constructor() {
    super(401, 'a valid bearer token is required');
  }
}

/** 403: a valid token of a role this call is not for. */
export class Forbidden extends ProblemError {
  constructor(detail: string) {
    super(403, detail);
  }
}

/** 404: `<what> <id> does not exist`. */
export class NotFound extends ProblemError {
  constructor(what: string, id: string, reason = 'does not exist') {
    super(404, `${what} ${id} ${reason}`);
  }
}

/** 409: the request contradicts the current state. */
export class Conflict extends ProblemError {
  constructor(detail: string) {
    super(409, detail);
  }
}

/** 422: well-formed, but not what it claims to repeat. */
export class Unprocessable extends ProblemError {
  constructor(detail: string) {
    super(422, detail);
  }
}

/** 429: a limit of ours, with the seconds to wait. */
export class TooManyRequests extends ProblemError {
  constructor(detail: string, retryAfter: number) {
    super(429, detail, { retryAfter });
  }
}

/** 502: the IdP refused or failed, in its own words. */
export class BadGateway extends ProblemError {
  constructor(detail: string, idpError: IdpErrorDetail) {
    super(502, detail, { idp_error: idpError });
  }
}

/** 503: something we depend on gave no answer; try again later. */
export class ServiceUnavailable extends ProblemError {
  constructor(detail: string, extras: ProblemExtras = {}) {
    super(503, detail, extras);
  }
}

/**
 * Runs a store write and turns the constraint it breaks into a 409 with the meaning the caller gave for it: the
 * one place where store constraints become problems. Other violations pass through unchanged.
 */
export async function orConflict<T>(write: () => Promise<T>, meanings: Partial<Record<ConstraintViolation, string>>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const meaning = error instanceof StoreConstraintError ? meanings[error.violation] : undefined;
    if (meaning !== undefined) throw new Conflict(meaning);
    throw error;
  }
}
