import { AjvCompiler, type Options, type ValidatorFactory } from '@fastify/ajv-compiler';

/**
 * Request validation as fastify's own, except for JSON bodies. Path, query and header values are text, coerced to
 * their declared types; a JSON body has its types already, and coercing them took `false` for the string
 * "false", a number for a name and `null` for "" or 0 (found by test/sidecar/25-bad-input).
 */
const buildValidator: ValidatorFactory = (externalSchemas, options) => {
  const pool = AjvCompiler();
  const text = pool(externalSchemas, options);
  // fastify always passes Ajv (not JTD) options here.
  const json = pool(externalSchemas, { ...options, customOptions: { ...(options?.customOptions as Options), coerceTypes: false } } as typeof options);
  return (route) => (route.httpPart === 'body' ? json : text)(route);
};

/** The fastify option that installs it. */
export const requestValidation = { schemaController: { compilersFactory: { buildValidator } } };
