// The control API (/__emulator/): key rotation, made-to-order tokens, faults, down/up and request counts.
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { EmulatorStats, KeySummary } from './control-api';
import { ControlError, Faults } from './faults';
import { hasApiToken, INVALID_TOKEN, readJson, sendJson } from './http';
import type { KeyRing } from './keys';
import type { RandomFaults } from './random-faults';
import { signToken, type SignerContext } from './signer';

export const CONTROL_PREFIX = '/__emulator/';

const emptyStats = (): EmulatorStats => ({ token: 0, keys: 0, clients: 0, discovery: 0, other: 0 });

/** What the control API changes and the rest of the emulator obeys. */
export class EmulatorConditions {
  down = false;
  stats = emptyStats();
  readonly faults = new Faults();

  constructor(readonly randomFaults?: RandomFaults) {}

  resetStats(): void {
    this.stats = emptyStats();
  }
}

export interface ControlApi extends SignerContext {
  apiToken: string;
  keys: KeyRing;
  conditions: EmulatorConditions;
  /** Runs a key change, one at a time, and moves signing to the ACTIVE key it leaves. */
  changeKeys(change: () => Promise<unknown> | unknown): Promise<KeySummary>;
}

/** Answers one request under /__emulator/. */
export async function handleControl(api: ControlApi, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (!hasApiToken(req, api.apiToken)) return sendJson(res, 401, INVALID_TOKEN());
  const { keys, conditions } = api;
  const route = `${req.method} ${path.slice(CONTROL_PREFIX.length - 1)}`;
  const body = req.method === 'POST' ? await readJson(req) : undefined;
  const ok = (payload: unknown) => sendJson(res, 200, payload);

  switch (route) {
    case 'GET /keys':
      return ok(keys.summary());
    case 'POST /keys/next':
      return ok(await api.changeKeys(() => keys.addNext()));
    case 'POST /keys/promote':
      return ok(
        await api.changeKeys(() => {
          if (!keys.promote()) throw new ControlError('there is no NEXT key to promote: POST /__emulator/keys/next first');
        }),
      );
    case 'POST /keys/emergency':
      return ok(await api.changeKeys(() => keys.emergency()));
    case 'POST /sign':
      return ok(await signToken(api, body));
    case 'GET /faults':
      return ok(conditions.faults.list());
    case 'POST /faults':
      conditions.faults.add(body);
      return ok(conditions.faults.list());
    case 'DELETE /faults':
      conditions.faults.clear();
      return ok(conditions.faults.list());
    case 'GET /random-faults':
    case 'DELETE /random-faults':
      if (!conditions.randomFaults) throw new ControlError('random faults are off: start the emulator with randomFaults');
      if (route.startsWith('DELETE')) conditions.randomFaults.stop();
      return ok(conditions.randomFaults.counts());
    case 'POST /down':
    case 'POST /up':
      conditions.down = route === 'POST /down';
      return ok({ down: conditions.down });
    case 'GET /stats':
      return ok(conditions.stats);
    case 'POST /stats/reset':
      conditions.resetStats();
      return ok(conditions.stats);
    default: {
      const removeKey = /^DELETE \/keys\/([^/]+)$/.exec(route);
      if (removeKey) {
        const kid = decodeURIComponent(removeKey[1]!);
        return ok(
          await api.changeKeys(() => {
            if (!keys.remove(kid)) throw new ControlError(`${kid} is not a published NEXT or EXPIRED key`);
          }),
        );
      }
      return sendJson(res, 404, { error: 'not_found', error_description: `no control route ${route}` });
    }
  }
}
