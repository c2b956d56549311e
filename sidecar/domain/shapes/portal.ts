import { type Static, Type } from '@sinclair/typebox';
import { PASSWORD_LENGTH } from '../accounts/settings';
import { Body } from './common';
import { Developer } from './developers';

/**
 * The shapes of Portal API v2 (the `openapi.yaml` of @kong/sdk-portal-js 2.16) that the portal serves, and ours
 * beside them (a password change, the personal API token). Bodies the contract closes are closed here too.
 */

const Password = Type.String({ minLength: PASSWORD_LENGTH.min, maxLength: PASSWORD_LENGTH.max });
const LinkToken = Type.String({ format: 'uuid' });

/** Open (`additionalProperties: true`) as the contract says; `password` is ours, for a one-step sign-up. */
export const RegisterPayload = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 250 }),
    full_name: Type.String({ minLength: 1, maxLength: 250 }),
    password: Type.Optional(Password),
  },
  { additionalProperties: true },
);
export type RegisterPayload = Static<typeof RegisterPayload>;

export const AuthenticateRequest = Body({
  username: Type.String({ minLength: 1, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: PASSWORD_LENGTH.max }),
});
export type AuthenticateRequest = Static<typeof AuthenticateRequest>;

export const ResetPasswordPayload = Body({ email: Type.String({ minLength: 1, maxLength: 320 }) });
export type ResetPasswordPayload = Static<typeof ResetPasswordPayload>;

export const ResetPasswordRequest = Body({ password: Password, token: LinkToken });
export type ResetPasswordRequest = Static<typeof ResetPasswordRequest>;

export const VerifyEmailRequest = Body({ token: LinkToken });
export type VerifyEmailRequest = Static<typeof VerifyEmailRequest>;

export const VerifyEmailResponse = Type.Object({
  email: Type.String(),
  token: Type.Optional(Type.String({ description: 'a reset-password token, when the developer has no password yet' })),
});
export type VerifyEmailResponse = Static<typeof VerifyEmailResponse>;

/** The contract's Developer (`additionalProperties: false`) is exactly the admin API's developer shape. */
export const PortalDeveloper = Developer;

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
export type PortalContext = Static<typeof PortalContext>;

export const ChangePasswordRequest = Body({
  current_password: Type.String({ minLength: 1, maxLength: PASSWORD_LENGTH.max }),
  new_password: Password,
});
export type ChangePasswordRequest = Static<typeof ChangePasswordRequest>;

export const ApiTokenInfo = Type.Object({ created_at: Type.String() });

export const NewApiToken = Type.Object({
  token: Type.String({ description: 'the personal API token, shown this once' }),
  created_at: Type.String(),
});
