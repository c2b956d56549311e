/**
 * The part of Kong's PDK this plugin calls, as kong-pdk exposes it (camelCase names, every call one RPC round trip
 * to Kong). kong-pdk's generated typings describe results as `object`; this narrows them to what Kong sends.
 */
export type HeaderMap = Record<string, string | string[] | undefined>;

/** A Kong consumer entity, as kong.client.load_consumer returns it. */
export interface KongConsumer {
  id: string;
  username?: string | null;
  custom_id?: string | null;
  [field: string]: unknown;
}

/** What kong.client.authenticate records as the request's credential (ngx.ctx.authenticated_credential). */
export interface KongCredential {
  id: string;
  consumer_id?: string;
}

export interface KongPdk {
  request: {
    getHeaders(maxHeaders?: number): Promise<HeaderMap>;
  };
  service: {
    request: {
      setHeaders(headers: Record<string, string>): Promise<unknown>;
      clearHeader(name: string): Promise<unknown>;
    };
  };
  client: {
    /** By id (a UUID), then by username when `searchByUsername`; Kong raises for a non-UUID without it. */
    loadConsumer(consumerId: string, searchByUsername?: boolean): Promise<KongConsumer | undefined>;
    /** Sets ngx.ctx.authenticated_consumer and authenticated_credential. */
    authenticate(consumer: KongConsumer | null, credential: KongCredential): Promise<unknown>;
  };
  router: {
    /** The service of the current request (nil for a route without one). */
    getService(): Promise<{ name?: string | null } | undefined>;
  };
  response: {
    exit(status: number, body: unknown, headers?: Record<string, string>): Promise<void>;
  };
}
