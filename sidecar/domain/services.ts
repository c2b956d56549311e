import { NotFound } from './errors';
import type { ServiceList } from './shapes/services';

/** Where the sidecar learns the gateway's services (Kong's declarative file); none: it cannot check names. */
export interface GatewayServices {
  /** What the API names as the source. */
  source: string;
  names(): Promise<string[]>;
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
