import type { GatewayRequestState } from '../request-state';
import { clientFunctions } from './client';
import { contextFunctions } from './context';
import type { PdkReply } from './reply';
import { requestFunctions } from './request';
import { EXIT_METHODS, responseFunctions } from './response';
import { serviceRequestFunctions } from './service-request';

export type { PdkReply } from './reply';

const PDK_FUNCTIONS = new Map(
  Object.entries({ ...requestFunctions, ...serviceRequestFunctions, ...responseFunctions, ...contextFunctions, ...clientFunctions }),
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

const isNil = (arg: unknown) => arg === null || arg === undefined;

/**
 * What Kong's unpack() of the decoded argument table passes on: LuaJIT's length of a table with holes. A nil
 * between values cuts the list (`exit(401, undefined, headers)` loses the headers), while one leading nil before
 * values without holes is kept (`authenticate(nil, credential)` reaches Kong whole); both seen with LuaJIT 2.1
 * filling a table with `t[i] = v`, as lua-MessagePack decodes an array.
 */
function argumentsKongSees(args: unknown[]): unknown[] {
  const rest = args.slice(1);
  if (args.length > 1 && isNil(args[0]) && rest.every((arg) => !isNil(arg))) return args;
  const firstNil = args.findIndex(isNil);
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
