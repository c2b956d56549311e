import { Type } from '@sinclair/typebox';
import { PASSWORD_LENGTH } from '../domain/accounts/settings';

/** The shapes of Portal API v2 (`openapi.yaml` of @kong/sdk-portal-js 2.16) that the portal serves. */

const Password = Type.String({ minLength: PASSWORD_LENGTH.min, maxLength: PASSWORD_LENGTH.max });
const Email = Type.String({ format: 'email', maxLength: 250 });
const LinkToken = Type.String({ format: 'uuid' });

/** `additionalProperties: true` as the contract says; `password` is ours, for a one-step sign-up. */
export const RegisterPayload = Type.Object(
  { email: Email, full_name: Type.String({ minLength: 1, maxLength: 250 }), password: Type.Optional(Password) },
  { additionalProperties: true },
);

export const AuthenticateRequest = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: PASSWORD_LENGTH.max }) },
  { additionalProperties: false },
);

export const ResetPasswordPayload = Type.Object({ email: Type.String({ minLength: 1, maxLength: 320 }) }, { additionalProperties: false });

export const ResetPasswordRequest = Type.Object({ password: Password, token: LinkToken }, { additionalProperties: false });

export const VerifyEmailRequest = Type.Object({ token: LinkToken }, { additionalProperties: false });

export const VerifyEmailResponse = Type.Object({ email: Type.String(), token: Type.Optional(Type.String()) });

export const Developer = Type.Object({
  id: Type.String(),
  email: Type.String(),
  full_name: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const PortalContext = Type.Object({
  portal_id: Type.String(),
  org_id: Type.String(),
  featureset_id: Type.String(),
  feature_set: Type.String(),
  basic_auth_enabled: Type.Boolean(),
  oidc_auth_enabled: Type.Boolean(),
  is_public: Type.Boolean(),
  rbac_enabled: Type.Boolean(),
  dcr_provider_ids: Type.Array(Type.String()),
  allowed_time_period: Type.String(),
  name: Type.String(),
  canonical_domain: Type.String(),
});

/** Ours, beyond the contract: a password change and the personal API token. */
export const ChangePasswordRequest = Type.Object(
  { current_password: Type.String({ minLength: 1, maxLength: PASSWORD_LENGTH.max }), new_password: Password },
  { additionalProperties: false },
);

export const ApiTokenInfo = Type.Object({ created_at: Type.String() });

export const NewApiToken = Type.Object({
  token: Type.String({ description: 'the personal API token, shown this once' }),
  created_at: Type.String(),
});
