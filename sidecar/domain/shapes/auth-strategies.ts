import { type Static, Type } from '@sinclair/typebox';
import { Body, Filter, FilteredPageQuery, Name } from './common';

const OpenIdConnect = Body({
  issuer: Type.String({ minLength: 1, description: 'the issuer whose tokens the gateway accepts' }),
  credential_claim: Type.Optional(Type.Array(Type.String())),
  scopes: Type.Optional(Type.Array(Type.String())),
  auth_methods: Type.Optional(Type.Array(Type.String())),
});

export const AuthStrategyInput = Body({
  name: Name({ maxLength: 255, description: 'unique' }),
  display_name: Name({ maxLength: 255 }),
  strategy_type: Type.Literal('openid_connect'),
  configs: Body({ 'openid-connect': OpenIdConnect }),
  dcr_provider_id: Type.Optional(
    Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
      description: 'the DCR provider that registers the clients; unset: applications bring an existing client ID',
    }),
  ),
  auto_approve: Type.Optional(
    Type.Boolean({
      default: false,
      description: "true: registrations of this strategy's applications are approved at once, with no admin decision",
    }),
  ),
});
export type AuthStrategyInput = Static<typeof AuthStrategyInput>;

export const AuthStrategyPatch = Type.Partial(AuthStrategyInput, { additionalProperties: false });
export type AuthStrategyPatch = Static<typeof AuthStrategyPatch>;

export const AuthStrategy = Type.Object({
  id: Type.String(),
  name: Type.String(),
  display_name: Type.String(),
  strategy_type: Type.String(),
  configs: Type.Object({ 'openid-connect': OpenIdConnect }),
  dcr_provider_id: Type.Union([Type.String(), Type.Null()]),
  auto_approve: Type.Boolean(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const AuthStrategyListQuery = FilteredPageQuery({ 'filter[name]': Filter('only the strategy of exactly this name') });
export type AuthStrategyListQuery = Static<typeof AuthStrategyListQuery>;
