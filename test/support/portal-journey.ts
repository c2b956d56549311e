import type { LightMyRequestResponse } from 'fastify';
import { PORTAL_ID } from '../../sidecar/domain/portal';
import { type TestPortal, cookiesOf } from './portal-app';

let counter = 0;
/** A fresh email per call (unique across files and workers). */
export const newEmail = (name = 'dev') => `${name}-${process.pid}-${++counter}@example.com`;

export const PASSWORD = 'correct horse battery staple';

function expectStatus(response: LightMyRequestResponse, status: number, what: string): LightMyRequestResponse {
  if (response.statusCode !== status) throw new Error(`${what}: HTTP ${response.statusCode} ${response.body}`);
  return response;
}

export const register = (t: TestPortal, email: string, password: string | null = PASSWORD, fullName = 'Jane Doe') =>
  t.call({ method: 'POST', url: '/api/v2/developer', payload: { email, full_name: fullName, ...(password && { password }) } });

export const authenticate = (t: TestPortal, username: string, password = PASSWORD, options: { remoteAddress?: string; headers?: Record<string, string> } = {}) =>
  t.call({ method: 'POST', url: '/api/v2/developer/authenticate', payload: { username, password }, ...options });

export const me = (t: TestPortal, cookie: string) => t.call({ url: '/api/v2/developer/me', headers: { cookie } });

export const setStatus = (t: TestPortal, developerId: string, status: string) =>
  t.sidecar.admin({ method: 'PATCH', url: `/v3/portals/${PORTAL_ID}/developers/${developerId}`, payload: { status } });

/** Signs up, follows the mailed verification link, has an admin approve: returns the developer's id. */
export async function approvedDeveloper(t: TestPortal, email = newEmail()): Promise<{ id: string; email: string }> {
  expectStatus(await register(t, email), 201, 'register');
  const { token } = t.mailTo(email);
  expectStatus(await t.call({ method: 'POST', url: '/api/v2/developer/verify-email', payload: { token } }), 202, 'verify-email');
  const developer = await t.sidecar.store.developers.findWithPasswordByEmail(email);
  if (!developer) throw new Error(`no developer ${email}`);
  expectStatus(await setStatus(t, developer.developer.id, 'approved'), 200, 'approve');
  return { id: developer.developer.id, email };
}

/** An approved developer, signed in: the Cookie header of their session. */
export async function signedIn(t: TestPortal, email?: string): Promise<{ id: string; email: string; cookie: string }> {
  const developer = await approvedDeveloper(t, email);
  const response = expectStatus(await authenticate(t, developer.email), 204, 'authenticate');
  return { ...developer, cookie: cookiesOf(response) };
}

/** An API of the catalog published to the portal (admin v3 calls): returns its id, which is also its product's and version's. */
export async function publishedApi(t: TestPortal, api: object, publication: object): Promise<string> {
  const id = expectStatus(await t.sidecar.admin({ method: 'POST', url: '/v3/apis', payload: api }), 201, 'create API').json().id as string;
  expectStatus(await t.sidecar.admin({ method: 'PUT', url: `/v3/apis/${id}/publications/${PORTAL_ID}`, payload: publication }), 201, 'publish API');
  return id;
}
