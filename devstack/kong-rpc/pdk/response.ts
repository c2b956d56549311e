import type { GatewayRequestState } from '../request-state';
import { toHeaderMap } from '../header-map';
import { headerName, headerTable, headerValueList } from './header-values';
import { NIL, raise, type PdkFunction, type PdkReply } from './reply';

/** Kong stops the request on these and never sends a Step back, so they cannot be answered with an error. */
export const EXIT_METHODS = new Set(['kong.response.exit', 'kong.response.error']);

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

// kong.response.error's default messages (Kong's pdk/response.lua), for the statuses gateways commonly send.
const DEFAULT_ERROR_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Payload too large',
  429: 'Too many requests',
  500: 'An unexpected error occurred',
  502: 'An invalid response was received from the upstream server',
  503: 'The upstream server is currently unavailable',
  504: 'The upstream server is timing out',
};

function statusCode(candidate: unknown, lowest: number): number {
  if (typeof candidate !== 'number' || !Number.isInteger(candidate)) raise('code must be a number');
  if (candidate < lowest || candidate > 599) raise(`code must be between ${lowest} and 599`);
  return candidate;
}

function responseHeaders(state: GatewayRequestState, extra: unknown): Map<string, string[]> {
  const headers = new Map(state.responseHeaders);
  if (extra === undefined || extra === null) return headers;
  for (const [name, headerValue] of Object.entries(headerTable(extra))) {
    const key = headerName(name);
    headers.set(key, headerValueList(key, headerValue));
  }
  return headers;
}

/** Records the response Kong sends instead of proxying. Kong sends no further Step for this event. */
function exitWith(state: GatewayRequestState, status: number, body: unknown, headers: Map<string, string[]>): PdkReply {
  if (typeof body === 'object' && body !== null && !headers.has('content-type')) {
    headers.set('content-type', [JSON_CONTENT_TYPE]);
  }
  state.exit = { status, body, headers: toHeaderMap(headers) };
  return { kind: 'terminal' };
}

/** kong.response.*: the response Kong sends when the plugin short-circuits the request. */
export const responseFunctions: Record<string, PdkFunction> = {
  'kong.response.exit': (state, [status, body, headers]) => {
    const code = statusCode(status, 100);
    if (body !== undefined && body !== null && typeof body !== 'string' && typeof body !== 'object') {
      raise('body must be a nil, string or table');
    }
    return exitWith(state, code, body ?? undefined, responseHeaders(state, headers));
  },
  'kong.response.error': (state, [status, message, headers]) => {
    const code = statusCode(status, 400);
    const text = typeof message === 'string' ? message : (DEFAULT_ERROR_MESSAGES[code] ?? `The upstream server responded with ${code}`);
    return exitWith(state, code, { message: text }, responseHeaders(state, headers));
  },
  'kong.response.set_header': (state, [name, headerValue]) => {
    const key = headerName(name);
    state.responseHeaders.set(key, headerValueList(key, headerValue));
    return NIL;
  },
};
