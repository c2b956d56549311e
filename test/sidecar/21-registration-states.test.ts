import { type TestSidecar, startTestSidecar } from '../support/sidecar-app';
import { testDatabases } from '../support/sidecar-databases';
import { type TestDeveloper, developer, selfManagedStrategy } from '../support/sidecar-fixtures';

describe.each(testDatabases)('sidecar registration state table on %s', (_name, createDatabase) => {
  let sidecar: TestSidecar;
  let alice: TestDeveloper;
  let strategyId: string;
  let counter = 0;

  beforeAll(async () => {
    sidecar = await startTestSidecar({}, createDatabase);
    alice = await developer(sidecar);
    strategyId = await selfManagedStrategy(sidecar, 'https://idp.example.com');
  });
  afterAll(() => sidecar?.close());

  const newApp = async () => {
    const response = await sidecar.admin({
      method: 'POST',
      url: `/v2/developers/${alice.id}/applications`,
      payload: { name: `app-${++counter}`, auth_strategy_id: strategyId, client_id: `states-${process.pid}-${counter}` },
    });
    expect(response.statusCode).toBe(201);
    return response.json().id as string;
  };
  const request = (appId: string) => alice.call({ method: 'POST', url: `/v2/applications/${appId}/registrations`, payload: { service: 'orders' } });
  const decide = (appId: string, id: string, status: string) =>
    sidecar.admin({ method: 'PATCH', url: `/v2/applications/${appId}/registrations/${id}`, payload: { status } });
  const withdraw = (who: TestDeveloper, appId: string, id: string) => who.call({ method: 'DELETE', url: `/v2/applications/${appId}/registrations/${id}` });
  const listed = async (appId: string) => (await alice.call({ url: `/v2/applications/${appId}/registrations` })).json().data;

  it.each([
    ['pending', 'revoked', 'it can only be approved or rejected'],
    ['approved', 'approved', 'it can only be revoked'],
    ['approved', 'rejected', 'it can only be revoked'],
    ['rejected', 'approved', 'it can only be withdrawn or requested again'],
    ['revoked', 'approved', 'it can only be withdrawn or requested again'],
  ])('returns 409 moving a %s registration to %s, and changes nothing', async (from, to, reason) => {
    const appId = await newApp();
    const { id } = (await request(appId)).json();
    if (from === 'approved' || from === 'revoked') expect((await decide(appId, id, 'approved')).statusCode).toBe(200);
    if (from === 'revoked') expect((await decide(appId, id, 'revoked')).statusCode).toBe(200);
    if (from === 'rejected') expect((await decide(appId, id, 'rejected')).statusCode).toBe(200);
    const refused = await decide(appId, id, to);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toBe(`registration ${id} is ${from}: ${reason}`);
    expect(await listed(appId)).toEqual([expect.objectContaining({ id, status: from })]);
  });

  it('returns 200 for pending -> rejected, and 201 with a new pending registration when requested again', async () => {
    const appId = await newApp();
    const first = (await request(appId)).json();
    expect((await decide(appId, first.id, 'rejected')).json().status).toBe('rejected');
    const again = await request(appId);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ status: 'pending', service: 'orders' });
    expect(again.json().id).not.toBe(first.id);
    expect(await listed(appId)).toEqual([expect.objectContaining({ id: again.json().id, status: 'pending' })]);
  });

  it('returns 201 to a request again after a revocation, and 409 while a request is pending or approved', async () => {
    const appId = await newApp();
    const first = (await request(appId)).json();
    const pendingAgain = await request(appId);
    expect(pendingAgain.statusCode).toBe(409);
    expect(pendingAgain.json().detail).toBe(`application ${appId} already has an open registration for orders (pending)`);
    await decide(appId, first.id, 'approved');
    expect((await request(appId)).statusCode).toBe(409);
    await decide(appId, first.id, 'revoked');
    expect((await request(appId)).json().status).toBe('pending');
  });

  it('returns 204 when the developer withdraws a registration, 404 for another developer and for it again', async () => {
    const appId = await newApp();
    const { id } = (await request(appId)).json();
    await decide(appId, id, 'approved');
    const bob = await developer(sidecar);
    expect((await withdraw(bob, appId, id)).statusCode).toBe(404);
    expect((await withdraw(alice, appId, id)).statusCode).toBe(204);
    expect(await listed(appId)).toEqual([]);
    expect((await withdraw(alice, appId, id)).statusCode).toBe(404);
    expect((await request(appId)).statusCode).toBe(201);
  });

  it('returns 403 when the admin tries to withdraw (a developer act)', async () => {
    const appId = await newApp();
    const { id } = (await request(appId)).json();
    expect((await sidecar.admin({ method: 'DELETE', url: `/v2/applications/${appId}/registrations/${id}` })).statusCode).toBe(403);
  });
});
