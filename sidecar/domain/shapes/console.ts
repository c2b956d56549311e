import { type Static, Type } from '@sinclair/typebox';
import { Body, Name } from './common';
import { Visibility } from './catalog';

/** The admin console's forms (HTML form fields: strings, an empty one meaning "none"). */

export const ConsoleSignIn = Body({ admin_token: Type.String({ minLength: 1, maxLength: 1024 }) });
export type ConsoleSignIn = Static<typeof ConsoleSignIn>;

/** Publishing a kong.yml service: the API (created when missing) and its publication in the portal. */
export const ServicePublication = Body({
  service: Name({ maxLength: 255, description: 'a service name of kong.yml' }),
  description: Type.String({ maxLength: 2000 }),
  version: Type.String({ maxLength: 255 }),
  spec_content: Type.String({ maxLength: 1_000_000, description: 'the OpenAPI document (JSON or YAML); empty: none' }),
  auth_strategy_id: Type.String({ maxLength: 64, description: 'empty: no application registration' }),
  visibility: Visibility,
  auto_approve: Type.Union([Type.Literal('strategy'), Type.Literal('yes'), Type.Literal('no')], {
    description: "strategy: the auth strategy's auto_approve decides",
  }),
});
export type ServicePublication = Static<typeof ServicePublication>;
