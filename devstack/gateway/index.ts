export { startDevGateway } from './server';
export type { DevGateway, DevGatewayOptions } from './server';
export { DeclarativeConfigError } from './entities';
export { DEV_GATEWAY_NAME } from './responses';
export { PortInUseError } from '../listen-port';
