import NodeCache from 'node-cache';
import type { SidecarConfig } from './config';
import { AuthFailure } from './errors';
import { callRemote } from './http-client';

/** The sidecar's answer to "which application owns this client id?". */
export interface ApplicationMapping {
  application: { id: string; name: string; status: string };
  /** `status` once the sidecar's developers have one; absent means approved. */
  developer: { id: string; email: string; status?: string };
  /** Names of the services the application's registrations are approved for. */
  services: string[];
}

interface Lookup {
  /** null: the sidecar knows no application with this client id (a miss is cached too). */
  mapping: ApplicationMapping | null;
  fetchedAt: number;
}

// Module level, shared by every instance; entries live as long as the longest stale window may use them.
const lookups = new NodeCache({ useClones: false, checkperiod: 60 });
const inflight = new Map<string, Promise<Lookup>>();

async function fetchLookup(clientId: string, sidecar: SidecarConfig, timeoutMs: number): Promise<Lookup> {
  const response = await callRemote(
    {
      method: 'GET',
      url: `${sidecar.url}/v2/internal/applications/by-client-id/${encodeURIComponent(clientId)}`,
      headers: { Authorization: `Bearer ${sidecar.token}` },
    },
    timeoutMs,
    'directory_unavailable',
  );
  if (response.status === 404) return { mapping: null, fetchedAt: Date.now() };
  const body = response.data as ApplicationMapping | null;
  if (response.status !== 200 || typeof body?.application?.id !== 'string' || !Array.isArray(body.services)) {
    // 401/403 here is a gateway-token misconfiguration: no answer to trust, so no request may pass.
    throw new AuthFailure('directory_unavailable', `application lookup answered ${response.status}`);
  }
  return { mapping: body, fetchedAt: Date.now() };
}

/**
 * The application that owns `clientId`: from the cache while younger than `sidecar_cache_ttl`, else from the
 * sidecar (one lookup in flight per client id); while the sidecar cannot be reached, a cached answer younger than
 * `sidecar_stale_ttl` still serves.
 */
export async function applicationFor(
  clientId: string,
  sidecar: SidecarConfig,
  timeoutMs: number,
): Promise<ApplicationMapping | null> {
  const key = `${sidecar.url}\n${clientId}`;
  const cached = lookups.get<Lookup>(key);
  const age = cached ? Date.now() - cached.fetchedAt : Infinity;
  if (cached && age < sidecar.cacheTtlSeconds * 1000) return cached.mapping;

  let pending = inflight.get(key);
  if (!pending) {
    pending = fetchLookup(clientId, sidecar, timeoutMs).finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  try {
    const fresh = await pending;
    lookups.set(key, fresh, Math.max(sidecar.cacheTtlSeconds, sidecar.staleTtlSeconds));
    return fresh.mapping;
  } catch (err) {
    if (cached && err instanceof AuthFailure && age < sidecar.staleTtlSeconds * 1000) return cached.mapping;
    throw err;
  }
}

/** Why the sidecar's answer refuses this client, as the 403's error_description says it to the client. */
const APPLICATION_REFUSALS: Record<string, string> = {
  pending_deletion: 'application is being deleted',
  disabled: 'application is disabled',
};

/** Refuses a client that is not an active application of an approved developer, approved for the request's service. */
export function checkApplication(mapping: ApplicationMapping | null, serviceName: string | undefined): ApplicationMapping {
  if (!mapping) throw new AuthFailure('forbidden_application', 'no application owns this client');
  const { status } = mapping.application;
  if (status !== 'active') {
    throw new AuthFailure('forbidden_application', APPLICATION_REFUSALS[status] ?? `application is ${status}`);
  }
  if (mapping.developer.status === 'revoked') throw new AuthFailure('forbidden_application', 'developer is suspended');
  if (serviceName === undefined || !mapping.services.includes(serviceName)) {
    throw new AuthFailure('forbidden_application', 'application is not approved for this service');
  }
  return mapping;
}
