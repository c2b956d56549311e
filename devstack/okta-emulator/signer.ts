// POST /__emulator/sign: real-looking access tokens made to order, for tests of what a verifier must refuse.
import { CompactSign } from 'jose';

import type { SignedToken } from './control-api';
import { ControlError } from './faults';
import { randomAlnum } from './http';
import type { KeyRing } from './keys';
import { ACCESS_TOKEN_TTL, AUDIENCE } from './provider';

const dropNulls = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

export interface SignerContext {
  keys: KeyRing;
  /** Known once the server listens. */
  issuer: () => string;
  scopes: string[];
}

/** A token with `claims` over Okta's defaults and `header` over {kid, alg: RS256}, signed by the chosen key. */
export async function signToken(context: SignerContext, input: unknown): Promise<SignedToken> {
  const { claims = {}, header = {}, key: which } = (input ?? {}) as {
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
    key?: string;
  };
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(claims) || !isObject(header)) {
    throw new ControlError('claims and header must be objects');
  }
  const key = which === undefined ? context.keys.active : context.keys.find(which);
  if (!key) throw new ControlError(`no published key ${JSON.stringify(which)}`);
  const now = Math.floor(Date.now() / 1000);
  const clientId = String(claims.cid ?? claims.client_id ?? claims.sub ?? `0oa${randomAlnum(17)}`);
  const payload = dropNulls({
    ver: 1,
    jti: `AT.${randomAlnum(43)}`,
    iss: context.issuer(),
    aud: AUDIENCE,
    iat: now,
    exp: now + ACCESS_TOKEN_TTL,
    cid: clientId,
    scp: [context.scopes[0]],
    sub: clientId,
    client_id: clientId,
    ...claims,
  });
  const protectedHeader = dropNulls({ kid: key.kid, alg: 'RS256', ...header });
  if (typeof protectedHeader.alg !== 'string' || !RSA_ALGS.includes(protectedHeader.alg)) {
    throw new ControlError(`header.alg must be one of ${RSA_ALGS.join(', ')} (an RSA key signs)`);
  }
  const token = await new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader(protectedHeader as { alg: string })
    .sign(key.privateKey);
  return { token, header: protectedHeader, claims: payload };
}
