import { ProblemError } from '../errors';

/**
 * A refusal Portal API v2 names with a title of its own ("Invalid Credentials", "Approval Required", "Gone"):
 * Kong's portal front end shows the title, so it is part of the contract.
 */
export class TitledProblem extends ProblemError {
  override readonly title: string;

  constructor(status: number, title: string, detail: string) {
    super(status, detail);
    this.title = title;
  }
}

/** 401 of a sign-in: the same for an unknown email and a wrong password. */
export class InvalidCredentials extends TitledProblem {
  constructor() {
    super(401, 'Invalid Credentials', 'You have entered an invalid email or password.');
  }
}

/** 404 of a link token unknown or used already. */
export class LinkNotFound extends TitledProblem {
  constructor() {
    super(404, 'Not Found', 'The provided token was not found');
  }
}

/** 410 of a link token past its lifetime. */
export class LinkExpired extends TitledProblem {
  constructor() {
    super(410, 'Gone', 'The token has expired');
  }
}

/** 401 of a portal call without a live session. */
export class NoSession extends ProblemError {
  constructor() {
    super(401, 'sign in first: this call needs a portal session');
  }
}
