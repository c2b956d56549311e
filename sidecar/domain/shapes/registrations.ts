import { type Static, Type } from '@sinclair/typebox';
import { Body, FilteredPageQuery } from './common';

export const RegistrationStatus = Type.Union(
  [Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('revoked')],
);

export const Registration = Type.Object({
  id: Type.String(),
  application_id: Type.String(),
  service: Type.String(),
  status: RegistrationStatus,
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const RegistrationInput = Body({
  service: Type.String({ minLength: 1, maxLength: 255, description: 'a service name as in kong.yml (GET /v2/services)' }),
});
export type RegistrationInput = Static<typeof RegistrationInput>;

export const Decision = Body({
  status: Type.Union([Type.Literal('approved'), Type.Literal('rejected'), Type.Literal('revoked')]),
});
export type Decision = Static<typeof Decision>;

export const RegistrationListQuery = FilteredPageQuery({ 'filter[status]': Type.Optional(RegistrationStatus) });
export type RegistrationListQuery = Static<typeof RegistrationListQuery>;
