import type { GatewayRequestState } from '../request-state';
import { contextFunctions } from './context';
import type { PdkReply } from './reply';
import { requestFunctions } from './request';
import { EXIT_METHODS, responseFunctions } from './response';
import { serviceRequestFunctions } from './service-request';

export type { PdkReply } from './reply';

const PDK_FUNCTIONS = new Map(
  Object.entries({ ...requestFunctions, ...serviceRequestFunctions, ...responseFunctions, ...contextFunctions }),
);

// Kong answers objects through typed Step methods (mp_rpc.lua); everything else goes through plugin.Step.
const STEP_METHODS: Record<string, string> = {
  'kong.client.authenticate': 'plugin.StepCredential',
  'kong.client.get_credential': 'plugin.StepCredential',
  'kong.client.load_consumer': 'plugin.StepConsumer',
  'kong.client.get_consumer': 'plugin.StepConsumer',
  'kong.router.get_route': 'plugin.StepRoute',
  'kong.router.get_service': 'plugin.StepService',
  'kong.request.get_headers': 'plugin.StepMultiMap',
  'kong.request.get_query': 'plugin.StepMultiMap',
};

/** The Step method that carries a successful result of `pdkMethod` back to the plugin server. */
export function stepMethodFor(pdkMethod: string): string {
  return STEP_METHODS[pdkMethod] ?? 'plugin.Step';
}

/** Kong's unpack() of the call's arguments stops at the first nil: `exit(401, undefined, headers)` loses headers. */
function argumentsKongSees(args: unknown[]): unknown[] {
  const firstNil = args.findIndex((arg) => arg === null || arg === undefined);
  return firstNil < 0 ? args : args.slice(0, firstNil);
}

/** True for the PDK functions the dev gateway implements. */
export function isPdkFunction(method: string): boolean {
  return PDK_FUNCTIONS.has(method);
}

/** Runs one PDK call the plugin made, with Kong's semantics, and counts it. */
export function runPdkCall(state: GatewayRequestState, method: string, args: unknown[]): PdkReply {
  state.pdkCalls.push(method);
  const injected = state.stepErrors[method];
  if (injected !== undefined && !EXIT_METHODS.has(method)) return { kind: 'error', message: injected };
  const implementation = PDK_FUNCTIONS.get(method);
  if (!implementation) return { kind: 'error', message: `${method} is not supported by the dev gateway` };
  return implementation(state, argumentsKongSees(args));
}
