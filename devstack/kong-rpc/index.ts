export { KongPluginServerClient } from './client';
export { KongPlugin } from './plugin';
export type { PoolOptions } from './pool';
export { KongRaisedError, PluginServerConnectionError, PluginServerRpcError } from './errors';
export type * from './types';
export { spawnPluginServer } from './plugin-server-process';
export type { PluginServerProcess, PluginServerProcessOptions } from './plugin-server-process';
export { supervisePluginServer, RESPAWN_INTERVAL_MS } from './plugin-server-supervisor';
export type { SupervisedPluginServer, SupervisorOptions } from './plugin-server-supervisor';
