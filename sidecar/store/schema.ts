/**
 * The tables as the query layer sees them. Portable column types only (text, integer) so that one query layer
 * and one set of migrations serve every dialect: timestamps are ISO-8601 text, JSON is text, booleans are 0/1.
 */
export interface Database {
  dcr_providers: DcrProviderRow;
  auth_strategies: AuthStrategyRow;
  developers: DeveloperRow;
  applications: ApplicationRow;
  registrations: RegistrationRow;
  idempotency_keys: IdempotencyKeyRow;
  application_creations: ApplicationCreationRow;
  registration_checks: RegistrationCheckRow;
  apis: ApiRow;
  publications: PublicationRow;
  audit_events: AuditEventRow;
  sessions: SessionRow;
  pre_sessions: PreSessionRow;
  account_tokens: AccountTokenRow;
  rate_limit_events: RateLimitEventRow;
}

export interface DcrProviderRow {
  id: string;
  name: string;
  display_name: string | null;
  provider_type: string;
  issuer: string;
  dcr_config: string;
  /** Encrypted JSON of the secret part of dcr_config. */
  dcr_secrets: string;
  labels: string;
  created_at: string;
  updated_at: string;
}

export interface AuthStrategyRow {
  id: string;
  name: string;
  display_name: string;
  strategy_type: string;
  configs: string;
  dcr_provider_id: string | null;
  auto_approve: number;
  created_at: string;
  updated_at: string;
}

export interface DeveloperRow {
  id: string;
  email: string;
  full_name: string;
  /**
   * Digest of the personal API token. A developer without one (never created, or revoked) holds the digest of
   * a random token that was never shown to anyone: the column is NOT NULL since the first migration, and SQLite
   * cannot drop that without rebuilding a table other tables reference.
   */
  token_hash: string;
  /** When the personal API token was created; null: none. */
  token_created_at: string | null;
  /** scrypt PHC string; null until the developer sets a password (admin-created developers, invitations). */
  password_hash: string | null;
  status: string;
  email_verified_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ApplicationRow {
  id: string;
  developer_id: string;
  auth_strategy_id: string;
  name: string;
  description: string | null;
  client_id: string;
  redirect_uris: string;
  /** Encrypted JSON of what the IdP gave us to manage the client later (e.g. a registration access token). */
  idp_secrets: string | null;
  status: string;
  /** 1: a client the sidecar registered or the developer proved they hold; 0: claimed by an admin without proof. */
  client_verified: number;
  deletion_attempts: number;
  next_deletion_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface RegistrationRow {
  id: string;
  application_id: string;
  service: string;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface IdempotencyKeyRow {
  developer_id: string;
  key: string;
  request_hash: string;
  /** Encrypted JSON of the first response (it holds a client secret); null while the first request is in flight. */
  response: string | null;
  created_at: string;
  expires_at: string;
}

export interface ApplicationCreationRow {
  id: string;
  developer_id: string;
  created_at: string;
  /**
   * Set while the creation is in progress (its slot is reserved): past this time the slot counts no more, so a
   * replica that died mid-creation does not keep it. Null once the application exists.
   */
  reserved_until: string | null;
}

/** A registration whose outcome is unknown (no answer in time): the IdP may have created the client anyway. */
export interface RegistrationCheckRow {
  id: string;
  provider_id: string;
  client_name: string;
  /** When the registration was sent. */
  started_at: string;
  /** When to look for the client at the IdP next. */
  check_at: string;
  attempts: number;
}

/** An API of the catalog: a gateway service of Kong's declarative file, by its name. */
export interface ApiRow {
  id: string;
  /** The kong.yml service name, as the plugin matches it. */
  name: string;
  description: string | null;
  version: string | null;
  slug: string;
  /** The OpenAPI document, as given. */
  spec_content: string | null;
  labels: string;
  attributes: string;
  created_at: string;
  updated_at: string;
}

/** An API published to the (one) portal. */
export interface PublicationRow {
  api_id: string;
  portal_id: string;
  auth_strategy_id: string | null;
  visibility: string;
  /** 0/1, or null: the auth strategy's auto_approve decides. */
  auto_approve_registrations: number | null;
  created_at: string;
  updated_at: string;
}

/** One change, written in the transaction of the change: who, what, when, before and after (never a secret). */
export interface AuditEventRow {
  id: string;
  created_at: string;
  /** admin | developer */
  actor_type: string;
  /** The developer's id, or the admin token's id. */
  actor_id: string;
  address: string | null;
  /** e.g. registration.decided */
  action: string;
  resource_type: string;
  resource_id: string;
  /** The application the change concerns, if any: its developer reads these. */
  application_id: string | null;
  before: string | null;
  after: string | null;
}

/** A signed-in browser: only the SHA-256 of the cookie's id, and the face (portal or console) it was issued for. */
export interface SessionRow {
  id_hash: string;
  face: string;
  /** The developer of a portal session. */
  developer_id: string | null;
  /** The admin token's id of a console session. */
  admin_id: string | null;
  /** Encrypted synchronizer token for the face's HTML forms. */
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
}

/** A browser before sign-in: the synchronizer token of its sign-in and sign-up forms (encrypted). */
export interface PreSessionRow {
  id_hash: string;
  face: string;
  csrf_token: string;
  created_at: string;
}

/** A single-use link sent by mail (email verification, password reset, invitation): only its SHA-256. */
export interface AccountTokenRow {
  id_hash: string;
  developer_id: string;
  purpose: string;
  created_at: string;
  expires_at: string;
}

/** One counted event (a failed sign-in, a sign-up) of a rate limit; `subject_hash` is the digest of its key. */
export interface RateLimitEventRow {
  id: string;
  bucket: string;
  subject_hash: string;
  created_at: string;
}
