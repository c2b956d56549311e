// What kong-pdk's plugin server loads: these five exports (and one diagnostic it ignores, below).
import { version } from '../../package.json';

export { OktaAuthPlugin as Plugin } from './handler';
export { Schema } from './schema';
export const Name = 'okta-auth';
export const Version = version;
// Where Kong's own openid-connect plugin runs: after rate limiting by IP, before consumer-based plugins.
export const Priority = 1050;
// The verified-token cache's size and bounds: read by `npm run bench`'s probe in the plugin server (target 5).
export { verifiedTokenStats as VerifiedTokenStats } from './verified-tokens';
