/**
 * fastify's `trustProxy` for `SIDECAR_TRUSTED_PROXIES`: `request.ip` (rate limits, the audit trail's address) is
 * the socket's peer, unless that peer is listed; then the client X-Forwarded-For names behind it.
 */
export const trustProxyFor = (trustedProxies: string[] = []) => (trustedProxies.length > 0 ? trustedProxies : false);
