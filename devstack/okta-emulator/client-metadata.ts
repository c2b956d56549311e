// Okta's validation of a DCR request body (POST and PUT /oauth2/v1/clients): the metadata it keeps, the defaults it
// fills in and the first problem it names.
const APPLICATION_TYPES = ['web', 'native', 'browser', 'service'] as const;
const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
const GRANT_TYPES = [
  'authorization_code',
  'implicit',
  'password',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
];
const RESPONSE_TYPES = ['code', 'token', 'id_token'];
const URI_FIELDS = ['client_uri', 'logo_uri', 'policy_uri', 'tos_uri', 'initiate_login_uri', 'jwks_uri'] as const;
const URI_LIST_FIELDS = ['redirect_uris', 'post_logout_redirect_uris'] as const;

/** The client metadata Okta echoes back. Fields it does not know are ignored, as Okta does. */
export interface ClientMetadata {
  client_name: string;
  application_type: (typeof APPLICATION_TYPES)[number];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  client_uri?: string;
  logo_uri?: string;
  policy_uri?: string;
  tos_uri?: string;
  initiate_login_uri?: string;
  jwks_uri?: string;
  jwks?: { keys: unknown[] };
}

/** Answered as 400 invalid_client_metadata, its message naming the field. */
export class MetadataError extends Error {}

export const fail = (field: string, message: string): never => {
  throw new MetadataError(`${field}: ${message}`);
};

const isAbsoluteUri = (value: unknown): value is string => typeof value === 'string' && URL.canParse(value);

function stringList(body: Record<string, unknown>, field: string, allowed?: string[]): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) fail(field, 'The field must be an array of strings');
  const bad = allowed && (value as string[]).find((v) => !allowed.includes(v));
  if (bad !== undefined) fail(field, `'${bad}' is not a valid value`);
  return value as string[];
}

/** Validates a POST or PUT body the way Okta does: the first problem answers 400, naming its field. */
export function validateMetadata(body: unknown): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MetadataError('client_name: The field cannot be left blank');
  }
  const b = body as Record<string, unknown>;

  if (b.client_name !== undefined && typeof b.client_name !== 'string') fail('client_name', 'The field must be a string');
  const clientName = typeof b.client_name === 'string' ? b.client_name.trim() : '';
  if (!clientName) fail('client_name', 'The field cannot be left blank');

  const applicationType = (b.application_type ?? 'web') as ClientMetadata['application_type'];
  if (!APPLICATION_TYPES.includes(applicationType)) {
    fail('application_type', `'${String(b.application_type)}' is not one of ${APPLICATION_TYPES.join(', ')}`);
  }
  const service = applicationType === 'service';

  const grantTypes = stringList(b, 'grant_types', GRANT_TYPES) ?? (service ? ['client_credentials'] : ['authorization_code']);
  if (!grantTypes.length) fail('grant_types', 'The field cannot be left blank');
  if (service && grantTypes.some((g) => g !== 'client_credentials')) {
    fail('grant_types', 'Service applications only support the client_credentials grant type');
  }

  const responseTypes = stringList(b, 'response_types', RESPONSE_TYPES) ?? (service ? ['token'] : ['code']);

  const authMethod = b.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof authMethod !== 'string' || !AUTH_METHODS.includes(authMethod)) {
    fail('token_endpoint_auth_method', `'${String(authMethod)}' is not a valid value`);
  }
  if (service && authMethod === 'none') {
    fail('token_endpoint_auth_method', 'Service applications must authenticate, none is not allowed');
  }

  const metadata: ClientMetadata = {
    client_name: clientName,
    application_type: applicationType,
    grant_types: grantTypes,
    response_types: responseTypes,
    token_endpoint_auth_method: authMethod as string,
  };

  for (const field of URI_LIST_FIELDS) {
    const list = stringList(b, field);
    const bad = list?.find((u) => !isAbsoluteUri(u));
    if (bad !== undefined) fail(field, `'${bad}' is not a valid URI`);
    if (list) metadata[field] = list;
  }
  if ((grantTypes.includes('authorization_code') || grantTypes.includes('implicit')) && !metadata.redirect_uris?.length) {
    fail('redirect_uris', 'The field cannot be left blank for the authorization_code and implicit grant types');
  }
  for (const field of URI_FIELDS) {
    const value = b[field];
    if (value === undefined || value === null) continue;
    if (!isAbsoluteUri(value)) fail(field, `'${String(value)}' is not a valid URI`);
    metadata[field] = value as string;
  }
  if (b.jwks !== undefined && b.jwks !== null) {
    const jwks = b.jwks as { keys?: unknown };
    if (typeof jwks !== 'object' || !Array.isArray(jwks.keys)) fail('jwks', 'The field must be an object with a keys array');
    metadata.jwks = { keys: jwks.keys as unknown[] };
  }
  return metadata;
}

