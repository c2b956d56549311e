import type { Server as NetServer, Socket } from 'node:net';
import type { PluginServerLogger } from 'kong-pdk/server';
import { describeThrown } from './logger';

type DataListener = (chunk: Buffer) => void;

/**
 * kong-pdk's listener decodes each frame inside a 'data' handler and attaches no 'error' handler, so one garbage
 * frame, two pipelined requests or a reset connection throws out of an event emitter and kills the process
 * (and Kong proxies unauthenticated until it respawns). A bad connection is dropped instead; Kong reconnects.
 */
function guardConnection(socket: Socket, logger: PluginServerLogger): void {
  socket.on('error', (err: NodeJS.ErrnoException) => {
    logger.warn(`client connection error: ${err.code ?? err.message}`);
  });
  for (const listener of socket.listeners('data') as DataListener[]) {
    socket.removeListener('data', listener);
    socket.on('data', (chunk: Buffer) => {
      try {
        listener.call(socket, chunk);
      } catch (err) {
        // The message is the decoder's or dispatcher's own text, never the frame's bytes.
        logger.error(`dropping a client connection after a bad frame: ${err instanceof Error ? err.message : 'unknown'}`);
        socket.destroy();
      }
    });
  }
}

/**
 * Keeps the server alive through everything a plugin or a client connection can throw once it is serving: the
 * alternative, dying, makes Kong proxy every request unauthenticated until it respawns the server.
 * Start-up failures (bad plugin directory, socket path in use) still exit, before this is installed.
 */
export function keepServingThroughErrors(server: NetServer, logger: PluginServerLogger): void {
  server.on('connection', (socket: Socket) => guardConnection(socket, logger));
  process.on('unhandledRejection', (reason) => {
    logger.error(`unhandled rejection (server keeps serving): ${describeThrown(reason)}`);
  });
  process.on('uncaughtException', (err) => {
    logger.error(`uncaught exception (server keeps serving): ${describeThrown(err)}`);
  });
}
