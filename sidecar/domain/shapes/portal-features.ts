import { type Static, Type } from '@sinclair/typebox';

/** Portal API v2 shapes of the features this portal answers as absent (appearance texts, analytics config). */

const Text = Type.Object({ text: Type.String() });

export const PortalAppearance = Type.Object({
  variables: Type.Object({ catalog: Type.Object({ primary_header: Text, welcome_message: Text }) }),
});
export type PortalAppearance = Static<typeof PortalAppearance>;

export const AnalyticsConfig = Type.Object({ analytics: Type.Null({ description: 'null: the portal has no analytics' }) });
export type AnalyticsConfig = Static<typeof AnalyticsConfig>;
