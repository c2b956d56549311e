import net from 'node:net';
import { PORT_VARIABLES, SettingsError, type StackSettings } from './settings';

/** Whether `port` can be listened on now (a probe: listen, then close at once). */
export function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** Fails before anything starts when a port is taken, naming the port and the variable that changes it. */
export async function checkPortsFree(settings: StackSettings): Promise<void> {
  const wanted = Object.entries(settings.ports).filter(([key]) => !(key === 'okta' && settings.realOkta));
  for (const [key, port] of wanted) {
    if (!(await isFree(port, settings.host))) {
      const variable = PORT_VARIABLES[key as keyof typeof PORT_VARIABLES];
      throw new SettingsError(`port ${port} on ${settings.host} is already in use: stop what uses it, or set ${variable} to another port`);
    }
  }
}
