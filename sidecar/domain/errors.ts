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

/**
 * A failure the caller should see, in the terms of Konnect's problem shape. Domain code throws these; the HTTP
 * layer turns them into responses.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extras: {
      invalid_parameters?: InvalidParameter[];
      idp_error?: IdpErrorDetail;
      /** Seconds, for 429/503. */
      retryAfter?: number;
    } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
  }
}

export const badRequest = (field: string, reason: string) =>
  new ProblemError(400, 'Bad Request', `${field}: ${reason}`, { invalid_parameters: [{ field, reason }] });

export const notFound = (what: string, id: string) => new ProblemError(404, 'Not Found', `${what} ${id} does not exist`);

export const conflict = (detail: string) => new ProblemError(409, 'Conflict', detail);
