// oidc-provider 9 ships no typings. This declares only the part the emulator uses; the configuration itself is
// checked by oidc-provider at construction (it throws on an unknown or malformed option).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcParams {
    scope?: string;
    [name: string]: unknown;
  }

  /** The Koa context as the configuration hooks receive it. */
  export interface KoaContextWithOIDC {
    oidc: { params: OidcParams };
  }

  class OIDCProviderError extends Error {
    constructor(description?: string, detail?: string);
    error: string;
    error_description?: string;
    statusCode: number;
  }

  export const errors: {
    InvalidScope: new (description: string) => OIDCProviderError;
    InvalidTarget: new (description?: string) => OIDCProviderError;
  };

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly issuer: string;
    /** The provider's Client model; its prototype's compareClientSecret checks a presented client secret. */
    readonly Client: { prototype: { compareClientSecret(this: { clientSecret: string }, presented: unknown): Promise<boolean> } };
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    on(event: 'server_error', listener: (ctx: unknown, error: Error) => void): this;
  }

  export default Provider;
}
