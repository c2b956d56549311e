import type { AddressInfo } from 'node:net';
import { Configuration, DeveloperApi, PortalApi } from '@kong/sdk-portal-js';
import { PORTAL_ID } from '../../sidecar/domain/portal';
import { type TestPortal, startTestPortal } from '../support/portal-app';
import { browserLikeClient, statusOf } from '../support/portal-sdk';
import { PASSWORD, newEmail, setStatus } from '../support/portal-journey';
import { testDatabases } from '../support/sidecar-databases';

describe.each(testDatabases)("the developer journey through Kong's portal SDK (@kong/sdk-portal-js) on %s", (_name, createDatabase) => {
  let t: TestPortal;
  let developerApi: DeveloperApi;
  let portalApi: PortalApi;
  beforeAll(async () => {
    t = await startTestPortal(createDatabase);
    await t.portal.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(t.portal.server.address() as AddressInfo).port}`;
    const configuration = new Configuration({ basePath: url });
    // The SDK brings its own axios major; ours is passed as Kong's portal passes its own instance.
    const client = browserLikeClient(url) as unknown as ConstructorParameters<typeof DeveloperApi>[2];
    developerApi = new DeveloperApi(configuration, url, client);
    portalApi = new PortalApi(configuration, url, client);
  });
  afterAll(() => t?.close());

  it('registers, verifies, is approved, signs in, reads the account, refreshes, signs out and resets the password', async () => {
    expect((await portalApi.getPortalContext()).data).toMatchObject({ portal_id: PORTAL_ID, is_public: false });
    const email = newEmail('sdk');
    expect((await developerApi.register({ requestBody: { email, full_name: 'Sdk Dev', password: PASSWORD } })).status).toBe(201);
    const verified = await developerApi.verifyEmail({ verifyEmailRequest: { token: t.mailTo(email).token! } });
    expect(verified.status).toBe(202);
    expect(verified.data).toEqual({ email });
    expect(await statusOf(developerApi.authenticate({ authenticateRequest: { username: email, password: PASSWORD } }))).toBe(401);

    const developer = (await t.sidecar.admin({ url: `/v2/developers?filter[email]=${email}` })).json().data[0];
    await setStatus(t, developer.id, 'approved');
    expect((await developerApi.authenticate({ authenticateRequest: { username: email, password: PASSWORD } })).status).toBe(204);
    expect((await developerApi.getDeveloperMe()).data).toEqual({
      id: developer.id,
      email,
      full_name: 'Sdk Dev',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect((await developerApi.refresh()).status).toBe(204);
    expect((await developerApi.getDeveloperMe()).status).toBe(200);
    expect((await developerApi.logout()).status).toBe(204);
    expect(await statusOf(developerApi.getDeveloperMe())).toBe(401);
    expect(await statusOf(developerApi.refresh())).toBe(401);

    expect((await developerApi.forgotPassword({ resetPasswordPayload: { email } })).status).toBe(200);
    const reset = await developerApi.resetPassword({ resetPasswordRequest: { token: t.mailTo(email).token!, password: 'a new sdk password' } });
    expect(reset.status).toBe(204);
    expect(await statusOf(developerApi.authenticate({ authenticateRequest: { username: email, password: PASSWORD } }))).toBe(401);
    expect((await developerApi.authenticate({ authenticateRequest: { username: email, password: 'a new sdk password' } })).status).toBe(204);
  });
});
