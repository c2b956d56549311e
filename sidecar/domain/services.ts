import { NotFound } from './errors';
import type { ServiceList } from './shapes/services';

/** A plugin's `config` as the gateway reads it (env vault references resolved). */
export type PluginConfig = Record<string, unknown>;

/** Where the sidecar learns the gateway's services (Kong's declarative file); none: it cannot check names. */
export interface GatewayServices {
  /** What the API names as the source. */
  source: string;
  names(): Promise<string[]>;
  /** The okta-auth config of this service, if it has the plugin. */
  oktaAuth(service: string): Promise<PluginConfig | undefined>;
}

const UNCHECKED = 'the sidecar cannot check service names (SIDECAR_KONG_DECLARATIVE_CONFIG is unset): any name is accepted';

/** The services an application can register for, and the check of a requested name. */
export function serviceCatalog(gateway: GatewayServices | undefined) {
  return {
    async list(): Promise<ServiceList> {
      if (!gateway) return { data: [], meta: { checked: false, detail: UNCHECKED } };
      const names = await gateway.names();
      return { data: names.map((name) => ({ name })), meta: { checked: true, detail: `the services of ${gateway.source}` } };
    },
    /** Whether the sidecar knows the gateway's services, and the okta-auth config of one (undefined: no plugin). */
    async oktaAuthOf(service: string): Promise<{ checked: boolean; config?: PluginConfig }> {
      if (!gateway) return { checked: false };
      const config = await gateway.oktaAuth(service);
      return { checked: true, ...(config && { config }) };
    },
    /** 404 naming the service when the gateway has no service of that name. */
    async check(service: string): Promise<void> {
      if (!gateway) return;
      const names = await gateway.names();
      if (!names.includes(service)) {
        throw new NotFound('service', service, `is not a gateway service (known: ${names.join(', ') || 'none'})`);
      }
    },
  };
}

export type ServiceCatalog = ReturnType<typeof serviceCatalog>;
