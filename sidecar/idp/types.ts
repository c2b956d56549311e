import type { TObject } from '@sinclair/typebox';

/** What we ask an IdP to register: a machine-to-machine client. */
export interface ClientRegistration {
  /** Already carries our prefix, so that our clients are recognisable at the IdP. */
  clientName: string;
  description: string;
  redirectUris: string[];
  developerId: string;
}

/** A client the IdP registered. `clientSecret` is shown to the developer once and never stored. */
export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  /** What the IdP gave us to manage this client later (stored encrypted), e.g. a registration access token. */
  managementSecrets: Record<string, string> | null;
}

export interface IdpClient {
  clientId: string;
  clientName: string;
  /** When the IdP issued it (epoch seconds), when the IdP says. */
  issuedAt?: number;
}

/** One IdP's DCR API, for one configured provider. Failures are thrown as IdpError. */
export interface IdpDriver {
  register(registration: ClientRegistration): Promise<RegisteredClient>;
  /** Resolves when the client is gone, including when the IdP no longer knew it. */
  deleteClient(clientId: string, managementSecrets: Record<string, string> | null): Promise<void>;
  refreshSecret(
    clientId: string,
    managementSecrets: Record<string, string> | null,
  ): Promise<{ clientSecret: string; managementSecrets: Record<string, string> | null }>;
  /** Clients whose name starts with `namePrefix`. Null when the IdP cannot list clients (RFC 7591 servers). */
  listClients(namePrefix: string): Promise<IdpClient[] | null>;
  /** Checks the configuration against the IdP; the problems found (none: it works). */
  verify(): Promise<string[]>;
}

/** A configured provider, as a driver needs it. */
export interface ProviderSettings {
  issuer: string;
  dcr_config: Record<string, unknown>;
  dcr_secrets: Record<string, string>;
}

export interface DriverOptions {
  /** Total deadline of one IdP operation, retries included. */
  timeoutMs: number;
}

/** A provider type: the shape of its dcr_config, which fields of it are secret, and how to talk to it. */
export interface DriverDefinition {
  configSchema: TObject;
  secretFields: string[];
  /** dcr_config fields that are IdP URLs: https, or http on loopback only. */
  urlFields: string[];
  create(settings: ProviderSettings, options: DriverOptions): IdpDriver;
}
