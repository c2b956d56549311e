import { Deadline, callIdp, idpHttpClient } from './http-call';

/**
 * What is wrong with an issuer as the gateway will use it (none: nothing): its OpenID discovery document must
 * answer, name exactly this issuer, and give the key set and token endpoint okta-auth reads.
 */
export async function issuerProblems(issuer: string, timeoutMs: number): Promise<string[]> {
  const http = idpHttpClient(issuer.replace(/\/+$/, ''), {});
  let response;
  try {
    response = await callIdp(http, { method: 'GET', url: '/.well-known/openid-configuration' }, new Deadline(timeoutMs), 'answer discovery');
  } catch (error) {
    return [(error as Error).message];
  }
  if (response.status !== 200) return [`the issuer's discovery document answered HTTP ${response.status}`];
  const document = (response.data ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (document.issuer !== issuer) problems.push(`the discovery document names the issuer ${String(document.issuer)}, not ${issuer}`);
  for (const field of ['jwks_uri', 'token_endpoint']) {
    if (typeof document[field] !== 'string') problems.push(`the discovery document has no ${field}`);
  }
  return problems;
}
