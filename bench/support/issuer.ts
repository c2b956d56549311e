import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in Okta authorization server for the benchmarks: one RS256 key, its JWKS (max-age 1 h) and access tokens
 * shaped like Okta's, signed in-process. Signing thousands of distinct tokens through the local Okta-compatible
 * server would take minutes of the same cores the measurement needs.
 */
export interface BenchIssuer {
  issuer: string;
  clientId: string;
  /** A valid access token, distinct from every other one (its jti). */
  token(claims?: Record<string, unknown>): string;
  close(): Promise<void>;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function startBenchIssuer(): Promise<BenchIssuer> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'bench-key';
  const jwk = { ...(publicKey as KeyObject).export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.setHeader('Cache-Control', 'max-age=3600');
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/default`;
  const clientId = '0oabenchclient000001';
  const header = b64url({ kid, alg: 'RS256' });
  return {
    issuer,
    clientId,
    token: (claims = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const payload = b64url({
        ver: 1,
        jti: `AT.${randomBytes(24).toString('base64url')}`,
        iss: issuer,
        aud: 'api://default',
        iat: now,
        exp: now + 3600,
        cid: clientId,
        scp: ['api:read'],
        sub: clientId,
        client_id: clientId,
        ...claims,
      });
      const input = `${header}.${payload}`;
      return `${input}.${sign('RSA-SHA256', Buffer.from(input), privateKey).toString('base64url')}`;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
