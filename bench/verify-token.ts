/**
 * Cost of the plugin's in-process token check (`npm run bench:verify`): a Bearer token verified by
 * verifyAccessToken (claim checks, cached key, node:crypto's RSA check, scopes, client id; a repeat token from the
 * verified-token cache), against jose's jwtVerify
 * (the other candidate library) and the bare RSA signature check of node:crypto, the floor any JWT library pays.
 * Prints figures and ratios; asserts nothing.
 */
import { createServer } from 'node:http';
import { createVerify, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { normaliseConfig } from '../plugins/okta-auth/config';
import { verifyAccessToken } from '../plugins/okta-auth/verify';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20_000);

async function main(): Promise<void> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => {
    res.setHeader('Cache-Control', 'max-age=3600');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/default`;
  const config = normaliseConfig({ issuer, scopes_required: ['api:read'] });
  const token = await new SignJWT({ ver: 1, cid: '0oabench', client_id: '0oabench', scp: ['api:read'] })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
    .setIssuer(issuer)
    .setAudience('api://default')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);

  await verifyAccessToken(token, config);
  let start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) await verifyAccessToken(token, config);
  const pluginNs = Number(process.hrtime.bigint() - start) / ROUNDS;

  start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) {
    await jwtVerify(token, publicKey, { algorithms: ['RS256'], issuer, audience: 'api://default', clockTolerance: 60 });
  }
  const joseNs = Number(process.hrtime.bigint() - start) / ROUNDS;

  const [head, payload, signature] = token.split('.') as [string, string, string];
  const signatureBytes = Buffer.from(signature, 'base64url');
  start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) {
    createVerify('RSA-SHA256').update(`${head}.${payload}`).verify(publicKey as unknown as KeyObject, signatureBytes);
  }
  const rawNs = Number(process.hrtime.bigint() - start) / ROUNDS;
  server.close();

  console.log(`rounds: ${ROUNDS}`);
  console.log(`verifyAccessToken (repeat):  ${(pluginNs / 1000).toFixed(1)} us/token, ${Math.round(1e9 / pluginNs)} tokens/s`);
  console.log(`jose jwtVerify alone:         ${(joseNs / 1000).toFixed(1)} us/token`);
  console.log(`bare RS256 signature check:   ${(rawNs / 1000).toFixed(1)} us/token`);
  console.log(`ratio plugin/bare: ${(pluginNs / rawNs).toFixed(2)}   ratio jose/plugin: ${(joseNs / pluginNs).toFixed(2)}`);
  console.log(`share of one PDK round trip (~250 us): ${((pluginNs / 1000 / 250) * 100).toFixed(0)}%`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
