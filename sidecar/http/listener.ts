import fastify, { type FastifyInstance } from 'fastify';
import { DEFAULTS } from '../defaults';
import { ProblemSchema } from '../routes/schemas';
import { trustProxyFor } from './client-address';
import { refuseNulCharacters } from './nul-characters';
import { problemServerOptions, registerProblemHandlers } from './problems';
import { requestValidation } from './validation';

export interface ListenerOptions {
  /** Request parts that can hold a secret: censored in every log line even if something logs them. */
  redact: string[];
  /** Peers whose X-Forwarded-For names the client; unset or empty: the socket's address. */
  trustedProxies?: string[];
  /** Where JSON logs go (default stdout); tests capture them. */
  logStream?: NodeJS.WritableStream;
  logLevel?: string;
}

/**
 * A fastify instance with the request handling both listeners (the sidecar's and the portal's) share: closed
 * bodies, problem+json errors for every failure, no NUL characters, and the `Problem` schema for responses.
 */
export function httpListener(options: ListenerOptions): FastifyInstance {
  const app = fastify({
    logger: {
      level: options.logLevel ?? DEFAULTS.logLevel,
      redact: { paths: options.redact, censor: '[redacted]' },
      ...(options.logStream && { stream: options.logStream }),
    },
    trustProxy: trustProxyFor(options.trustedProxies),
    // Request bodies are closed (additionalProperties: false): an unknown field is a 400, not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    ...problemServerOptions,
    ...requestValidation,
  });
  registerProblemHandlers(app);
  refuseNulCharacters(app);
  app.addSchema(ProblemSchema);
  return app;
}
