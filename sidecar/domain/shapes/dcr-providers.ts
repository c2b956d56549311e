import { type Static, Type } from '@sinclair/typebox';
import { Body, Filter, FilteredPageQuery, Labels, Name } from './common';

/** The DCR provider shapes; `provider_type` is one of the drivers on offer, known when the app is built. */
export function dcrProviderShapes(providerTypes: string[]) {
  const Create = Body({
    name: Name({ maxLength: 255, description: 'unique' }),
    display_name: Type.Optional(Name({ maxLength: 255 })),
    provider_type: Type.Unsafe<string>({ type: 'string', enum: providerTypes }),
    issuer: Type.String({ minLength: 1, description: 'https (http only on loopback)' }),
    dcr_config: Type.Record(Type.String(), Type.Unknown(), { description: 'per provider_type; secrets are write-only' }),
    labels: Type.Optional(Labels),
  });
  return { Create, Patch: Type.Partial(Create, { additionalProperties: false }) };
}

type Shapes = ReturnType<typeof dcrProviderShapes>;
export type DcrProviderInput = Static<Shapes['Create']>;
export type DcrProviderPatch = Static<Shapes['Patch']>;

export const DcrProvider = Type.Object({
  id: Type.String(),
  name: Type.String(),
  display_name: Type.Union([Type.String(), Type.Null()]),
  provider_type: Type.String(),
  issuer: Type.String(),
  dcr_config: Type.Object({}, { additionalProperties: true, description: 'without its secrets' }),
  labels: Labels,
  created_at: Type.String(),
  updated_at: Type.String(),
});

export type PresentedDcrProvider = Static<typeof DcrProvider>;

export const DcrProviderListQuery = FilteredPageQuery({ 'filter[name]': Filter('only the provider of exactly this name') });
export type DcrProviderListQuery = Static<typeof DcrProviderListQuery>;

export const Verification = Type.Object({
  status: Type.Union([Type.Literal('success'), Type.Literal('failed')]),
  errors: Type.Array(Type.String()),
});
export type Verification = Static<typeof Verification>;
