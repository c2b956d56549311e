// Typings for the parts of kong-pdk 0.6.0 the start command reuses: the package ships none for its server.

declare module 'kong-pdk/server' {
  interface PluginServerLogger {
    debug(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
  }

  /** What HandleEvent and every Step* answer: the plugin's next PDK call, or "ret" when the handler is done. */
  interface EventAnswer {
    Data: unknown;
    EventId: number;
  }

  interface PluginInfo {
    Name: string;
    Version: string;
    Phases: string[];
    Priority: number;
    Schema: unknown;
  }

  class Server {
    /** expireTtl is the instance-sweep INTERVAL in milliseconds; an instance expires after 60 s idle. */
    constructor(pluginDir: string, logger: PluginServerLogger, expireTtl?: number);
    events: Map<number, unknown>;
    instances: Map<number, unknown>;
    /** The id the next StartInstance hands out (kong-pdk starts it at 0). */
    instanceID: number;
    StartInstance(config: { Name: string; Config: string }): Promise<{ Name: string; Id: number }>;
    HandleEvent(event: { InstanceId: number; EventName: string }): Promise<EventAnswer>;
    step(data: { EventId: number; Data?: unknown }, isError: boolean): Promise<EventAnswer>;
    GetPluginInfo(name: string): Promise<PluginInfo>;
    getPlugins(): Map<string, unknown>;
    close(): void;
  }

  namespace Server {
    export { PluginServerLogger, EventAnswer, PluginInfo };
  }

  export = Server;
}

declare module 'kong-pdk/listener' {
  import type { Server as NetServer } from 'node:net';
  import type Server = require('kong-pdk/server');

  class Listener {
    constructor(pluginServer: Server, socketPath: string);
    /** Unlinks a stale socket file, listens on it and returns the net server. */
    serve(): NetServer;
  }

  export = Listener;
}

declare module 'kong-pdk/cli' {
  export interface PluginServerOptions {
    pluginsDirectory: string;
    kongPrefix: string;
    sockName: string;
    verbose: number;
    logLevel: 'info' | 'debug';
    /** commander derives these names from the single-dash aliases of the flags. */
    DumpAllPlugins?: boolean;
    DumpPluginInfo?: string;
  }

  export function parse(dedicated?: boolean): PluginServerOptions;
}
