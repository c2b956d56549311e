/** A value that is a whole Kong vault reference, e.g. "{vault://env/okta-issuer}". */
export function isVaultReference(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{vault://') && value.endsWith('}');
}

/** The environment variable Kong's env vault reads for a resource: upper case, dashes to underscores. */
export function envVariableName(resource: string): string {
  return resource.toUpperCase().replaceAll('-', '_');
}

/**
 * Resolves a reference the way Kong's env vault does: `{vault://env/okta-issuer}` is $OKTA_ISSUER, and
 * `{vault://env/okta-secrets/issuer}` is the `issuer` key of the JSON in $OKTA_SECRETS. Throws a message for the
 * caller to prefix with the field: a missing variable is a start-up error here, not a nil as in Kong.
 */
export function resolveEnvReference(reference: string, env: NodeJS.ProcessEnv): string {
  const match = /^\{vault:\/\/([^/?]+)\/([^/?]+)(?:\/([^/?]+))?\}$/.exec(reference);
  if (!match) throw new Error(`${reference} is not a vault reference the dev gateway understands ({vault://env/<name>[/<key>]})`);
  const [, vault, resource, key] = match as unknown as [string, string, string, string | undefined];
  if (vault !== 'env') throw new Error(`${reference}: only Kong's env vault is available in the dev gateway`);
  const variable = envVariableName(resource);
  const value = env[variable];
  if (value === undefined || value === '') throw new Error(`${reference} needs the environment variable ${variable}, which is not set`);
  if (key === undefined) return value;
  let secrets: unknown;
  try {
    secrets = JSON.parse(value);
  } catch {
    throw new Error(`${reference}: ${variable} must hold a JSON object to pick the key ${key}`);
  }
  const picked = (secrets as Record<string, unknown> | null)?.[key];
  if (typeof picked !== 'string') throw new Error(`${reference}: ${variable} has no string key ${key}`);
  return picked;
}
