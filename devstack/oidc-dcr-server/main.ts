// An RFC 7591/7592 dynamic client registration server for tests of the sidecar's openid_connect driver:
// panva's oidc-provider with its `registration` and `registrationManagement` features, nothing else of ours.
//
//   OIDC_DCR_PORT                   port (0 = a free one; the ready line names it)
//   OIDC_DCR_INITIAL_ACCESS_TOKEN   when set, registration requires it as a bearer token
//
// Prints one JSON line `{"event":"ready","issuer":...,"port":...}` on stdout once it listens.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Provider } from 'oidc-provider';

const port = Number(process.env.OIDC_DCR_PORT ?? 0);
const initialAccessToken = process.env.OIDC_DCR_INITIAL_ACCESS_TOKEN || false;

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${actual}`;
  const provider = new Provider(issuer, {
    features: {
      clientCredentials: { enabled: true },
      registration: { enabled: true, initialAccessToken },
      registrationManagement: { enabled: true },
      devInteractions: { enabled: false },
    },
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ event: 'ready', issuer, port: actual })}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
