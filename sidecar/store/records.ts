/** What the store hands out: JSON parsed, secrets decrypted, booleans as booleans. */
import type { ApplicationRow, RegistrationCheckRow } from './schema';

export interface Timestamps {
  created_at: string;
  updated_at: string;
}

export interface DcrProvider extends Timestamps {
  id: string;
  name: string;
  display_name: string | null;
  provider_type: string;
  issuer: string;
  /** The public part of the driver's configuration. */
  dcr_config: Record<string, unknown>;
  /** The secret part (tokens, API keys): encrypted at rest, never in a response. */
  dcr_secrets: Record<string, string>;
  labels: Record<string, string>;
}

export interface AuthStrategy extends Timestamps {
  id: string;
  name: string;
  display_name: string;
  strategy_type: string;
  configs: Record<string, unknown>;
  dcr_provider_id: string | null;
  auto_approve: boolean;
}

/** Konnect's developer statuses; `revoked` is a suspension. */
export type DeveloperStatus = 'pending' | 'approved' | 'rejected' | 'revoked';

export interface Developer extends Timestamps {
  id: string;
  email: string;
  full_name: string;
  status: DeveloperStatus;
  email_verified_at: string | null;
  /** When the personal API token was created; null: the developer has none. */
  token_created_at: string | null;
}

export type ApplicationStatus = 'active' | 'disabled' | 'pending_deletion';

export interface Application extends Omit<ApplicationRow, 'redirect_uris' | 'idp_secrets' | 'status' | 'client_verified'> {
  client_verified: boolean;
  redirect_uris: string[];
  /** What the IdP gave us to manage the client later; encrypted at rest. */
  idp_secrets: Record<string, string> | null;
  status: ApplicationStatus;
}

export type RegistrationStatus = 'pending' | 'approved' | 'rejected' | 'revoked';

export interface Registration extends Timestamps {
  id: string;
  application_id: string;
  service: string;
  status: RegistrationStatus;
}

export interface PageRequest {
  number: number;
  size: number;
}

export interface PageOf<T> {
  items: T[];
  total: number;
}

export type RegistrationCheck = RegistrationCheckRow;

export interface Api extends Timestamps {
  id: string;
  /** The kong.yml service name. */
  name: string;
  description: string | null;
  version: string | null;
  slug: string;
  spec_content: string | null;
  labels: Record<string, string>;
  attributes: Record<string, unknown>;
}

export type Visibility = 'public' | 'private';

export interface Publication extends Timestamps {
  api_id: string;
  portal_id: string;
  auth_strategy_id: string | null;
  visibility: Visibility;
  /** null: the auth strategy's auto_approve decides. */
  auto_approve_registrations: boolean | null;
}
