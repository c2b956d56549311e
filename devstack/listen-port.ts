import type { Server } from 'node:net';

/** The port a dev server was asked to listen on is taken; `port` lets a caller name the variable that changes it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';

  constructor(
    readonly what: string,
    readonly host: string,
    readonly port: number,
  ) {
    super(`${what}: port ${port} on ${host} is already in use`);
  }
}

/** Listens and resolves with the bound port (useful with port 0); a taken port rejects with PortInUseError. */
export function listenOn(server: Server, what: string, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(what, host, port) : err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
