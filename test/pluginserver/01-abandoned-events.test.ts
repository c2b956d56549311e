import path from 'node:path';
import { ABANDONED_EVENT_MS, HardenedServer } from '../../pluginserver/hardened-server';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const FIXTURES = path.resolve(__dirname, '../fixtures/kong-plugins/header-gate');

describe('abandoned events', () => {
  it('drops an event Kong never finished once it is older than the abandonment window, and not before', async () => {
    const server = new HardenedServer(FIXTURES, quiet);
    try {
      const { Id } = await server.StartInstance({ Name: 'header-gate', Config: '{}' });
      // The plugin asks for a header; Kong never answers (its call timed out), so the event stays open.
      const answer = await server.HandleEvent({ InstanceId: Id, EventName: 'access' });
      expect(answer.Data).toMatchObject({ Method: 'kong.request.get_header' });
      expect(server.events.size).toBe(1);

      expect(server.forgetAbandoned(Date.now() + ABANDONED_EVENT_MS - 1_000)).toBe(0);
      expect(server.events.size).toBe(1);
      expect(server.forgetAbandoned(Date.now() + ABANDONED_EVENT_MS)).toBe(1);
      expect(server.events.size).toBe(0);
    } finally {
      server.close();
    }
  });
});
