/** The logging the domain needs; fastify's pino logger fits it, and the domain stays free of HTTP imports. */
export interface Logger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}
