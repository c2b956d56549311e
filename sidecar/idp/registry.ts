import { httpBridge } from './http-bridge';
import { okta } from './okta';
import { openIdConnect } from './openid-connect';
import type { DriverDefinition } from './types';

/** Every provider_type the sidecar can talk to. A new IdP = one new driver file and one line here. */
export const drivers: Record<string, DriverDefinition> = { okta, http: httpBridge, openid_connect: openIdConnect };

export type DriverRegistry = typeof drivers;
