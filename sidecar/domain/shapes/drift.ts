import { type Static, Type } from '@sinclair/typebox';
import { ListOf } from './common';

export const Difference = Type.Object({
  field: Type.Union([Type.Literal('issuer'), Type.Literal('scopes'), Type.Literal('credential_claim')]),
  auth_strategy: Type.Unknown({ description: "the API's auth strategy says" }),
  gateway: Type.Unknown({ description: "the service's okta-auth config in kong.yml says" }),
});
export type Difference = Static<typeof Difference>;

/** An API's implementation: its kong.yml service, its okta-auth config, and how that differs from the strategy. */
export const Implementation = Type.Object({
  id: Type.String(),
  api_id: Type.String(),
  service: Type.Object({
    name: Type.String(),
    okta_auth: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
      description: "the service's okta-auth config in kong.yml (env vault references resolved); null: no such plugin",
    }),
    auth_strategy_sync_error: Type.Optional(
      Type.Object({ message: Type.String(), differences: Type.Array(Difference) }, { description: 'as Konnect reports it: present when they differ' }),
    ),
  }),
});
export type Implementation = Static<typeof Implementation>;
export const ImplementationList = ListOf(Implementation);
