import type { Problem } from '../http/problems';

/** What a refused form shows: a reason beside each field named, and one above the form for the rest. */
export interface FormErrors {
  fields: Record<string, string>;
  form?: string;
}

/** Fields a refused form is never filled in again with: what it held must be typed again, not echoed. */
const NOT_ECHOED = /password|secret|token|^_csrf$|^confirm$/;

/** Statuses after which the form is shown again with its reasons (a refused value, a limit, the IdP's refusal). */
const FORM_STATUSES = new Set([400, 401, 409, 410, 422, 429, 502, 503, 504]);

export const showsFormAgain = (status: number) => FORM_STATUSES.has(status);

/** Schema reasons as a person filling in a form reads them. */
const PLAIN_REASONS: [RegExp, (match: RegExpExecArray) => string][] = [
  [/^must have required property/, () => 'Fill this in.'],
  [/^must match format "email"$/, () => 'Enter an email address, like name@example.com.'],
  [/^must match format "uuid"$/, () => 'Choose one of the options.'],
  [/^must NOT have fewer than (\d+) characters?$/, (m) => (m[1] === '1' ? 'Fill this in.' : `Use at least ${m[1]} characters.`)],
  [/^must NOT have more than (\d+) characters?$/, (m) => `Use at most ${m[1]} characters.`],
  [/^must not be blank$/, () => 'Fill this in.'],
];

const plainReason = (reason: string) => {
  for (const [pattern, say] of PLAIN_REASONS) {
    const match = pattern.exec(reason);
    if (match) return say(match);
  }
  // The domain's reasons follow the field's name ("client_secret is ..."): beside the field, "This is ...".
  return /^(is|must|does|has) /.test(reason) ? `This ${reason}.` : reason;
};

/** The reasons of a problem, placed beside the fields it names; the IdP's refusal in the IdP's own words. */
export function formErrorsOf(problem: Problem): FormErrors {
  const fields: Record<string, string> = {};
  for (const { field, reason } of problem.invalid_parameters ?? []) fields[field] ??= plainReason(reason);
  if (problem.idp_error) {
    const { error, error_description } = problem.idp_error;
    return { fields, form: `The identity provider refused: ${error_description} (${error})` };
  }
  const unplaced = Object.keys(fields).length === 0 || problem.status === 429;
  return { fields, ...(unplaced && { form: problem.detail }) };
}

/** The values to fill a refused form with again: what was typed, less anything secret. */
export function echoedValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return values;
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string' && !NOT_ECHOED.test(name)) values[name] = value;
  }
  return values;
}
