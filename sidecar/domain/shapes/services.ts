import { type Static, Type } from '@sinclair/typebox';

export const ServiceList = Type.Object({
  data: Type.Array(Type.Object({ name: Type.String() })),
  meta: Type.Object({
    checked: Type.Boolean({ description: 'false: the sidecar cannot check service names and accepts any' }),
    detail: Type.String(),
  }),
});
export type ServiceList = Static<typeof ServiceList>;
