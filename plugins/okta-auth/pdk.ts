/**
 * The part of Kong's PDK this plugin calls, as kong-pdk exposes it (camelCase names, every call one RPC round trip
 * to Kong). kong-pdk's generated typings describe results as `object`; this narrows them to what Kong sends.
 */
export type HeaderMap = Record<string, string | string[] | undefined>;

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
  router: {
    /** The service of the current request (nil for a route without one). */
    getService(): Promise<{ name?: string | null } | undefined>;
  };
  response: {
    exit(status: number, body: unknown, headers?: Record<string, string>): Promise<void>;
  };
}
