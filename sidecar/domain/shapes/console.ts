import { type Static, Type } from '@sinclair/typebox';
import { Body, Name } from './common';
import { Visibility } from './catalog';

/** The admin console's forms (HTML form fields: strings; the page kit drops a blank one, so it is "none"). */

export const ConsoleSignIn = Body({ admin_token: Type.String({ minLength: 1, maxLength: 1024 }) });
export type ConsoleSignIn = Static<typeof ConsoleSignIn>;

/** Publishing a kong.yml service: the API (created when missing) and its publication in the portal. */
export const ServicePublication = Body({
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  version: Type.Optional(Type.String({ maxLength: 255 })),
  spec_content: Type.Optional(Type.String({ maxLength: 1_000_000, description: 'the OpenAPI document (JSON or YAML); none: no document' })),
  auth_strategy_id: Type.Optional(Type.String({ maxLength: 64, description: 'none: no application registration' })),
  visibility: Visibility,
  auto_approve: Type.Union([Type.Literal('strategy'), Type.Literal('yes'), Type.Literal('no')], {
    description: "strategy: the auth strategy's auto_approve decides",
  }),
});
export type ServicePublication = Static<typeof ServicePublication>;

export const ServiceParams = Type.Object({ service: Name({ maxLength: 255, description: 'a service name of kong.yml' }) });
export type ServiceParams = Static<typeof ServiceParams>;

/** A form's confirmation step: its second button sends `confirm=yes`. */
const Confirm = { confirm: Type.Optional(Type.Literal('yes')) };

export const DeveloperDecision = Body({
  status: Type.Union([Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('revoked')], {
    description: 'Approve, Reject, Suspend (revoked) or Reinstate (approved again)',
  }),
  ...Confirm,
});
export type DeveloperDecision = Static<typeof DeveloperDecision>;

export const RegistrationDecision = Body({
  status: Type.Union([Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('revoked')]),
  ...Confirm,
});
export type RegistrationDecision = Static<typeof RegistrationDecision>;

/** A destructive action's form: nothing but its confirmation. */
export const Confirmation = Body(Confirm);
export type Confirmation = Static<typeof Confirmation>;

/** The prefix of a DCR provider form's config fields: `dcr_config.dcr_token`, as the API's errors name them. */
export const CONFIG_FIELD_PREFIX = 'dcr_config.';

const ConfigFields = Type.String({ maxLength: 4096 });

export const ProviderForm = Type.Object(
  {
    name: Name({ maxLength: 255 }),
    display_name: Type.Optional(Type.String({ maxLength: 255 })),
    issuer: Type.String({ minLength: 1, maxLength: 2048 }),
  },
  { additionalProperties: ConfigFields, description: `and one ${CONFIG_FIELD_PREFIX}<field> per field of the type's dcr_config` },
);
export type ProviderForm = Static<typeof ProviderForm> & Record<string, string>;

export const ProviderType = Type.Object({ provider_type: Type.String({ minLength: 1, maxLength: 64 }) });
export type ProviderType = Static<typeof ProviderType>;

/** An auth strategy's form; the lists are written space- or comma-separated, as a person types them. */
export const StrategyForm = Body({
  name: Name({ maxLength: 255 }),
  display_name: Name({ maxLength: 255 }),
  'configs.openid-connect.issuer': Type.String({ minLength: 1, maxLength: 2048 }),
  'configs.openid-connect.scopes': Type.Optional(Type.String({ maxLength: 2048 })),
  'configs.openid-connect.credential_claim': Type.Optional(Type.String({ maxLength: 2048 })),
  'configs.openid-connect.auth_methods': Type.Optional(Type.String({ maxLength: 2048 })),
  dcr_provider_id: Type.Optional(Type.String({ maxLength: 64, description: 'empty: applications bring an existing client ID' })),
  auto_approve: Type.Optional(Type.Literal('on')),
});
export type StrategyForm = Static<typeof StrategyForm>;
