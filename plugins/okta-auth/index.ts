// What kong-pdk's plugin server loads: exactly these five exports.
import { version } from '../../package.json';

export { OktaAuthPlugin as Plugin } from './handler';
export { Schema } from './schema';
export const Name = 'okta-auth';
export const Version = version;
// Where Kong's own openid-connect plugin runs: after rate limiting by IP, before consumer-based plugins.
export const Priority = 1050;
