import { headerKey } from '../header-map';
import type { GatewayRequestState } from '../request-state';
import { maxItems, requireString, value, type PdkFunction } from './reply';

function firstLines(headers: Map<string, string[]>, max: number): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  let left = max;
  for (const [name, values] of headers) {
    if (left === 0) break;
    result[name] = values.slice(0, left);
    left -= result[name].length;
  }
  return result;
}

function unescape(component: string): string {
  const spaced = component.replaceAll('+', ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced; // nginx leaves malformed escapes as they are
  }
}

/** ngx.req.get_uri_args as Kong sends it: name -> values; a flag argument ("?debug") is an empty list. */
function queryArgs(rawQuery: string, max: number): Record<string, string[]> {
  const args: Record<string, string[]> = {};
  for (const pair of rawQuery.split('&').filter(Boolean).slice(0, max)) {
    const separator = pair.indexOf('=');
    const name = unescape(separator < 0 ? pair : pair.slice(0, separator));
    args[name] ??= [];
    if (separator >= 0) args[name].push(unescape(pair.slice(separator + 1)));
  }
  return args;
}

function header(state: GatewayRequestState, name: string): string | undefined {
  return (state.headers.get(headerKey(name)) ?? state.headers.get(name.toLowerCase()))?.[0];
}

/** kong.request.*: the request as Kong holds it now (headers as earlier plugins and kong.service.request.* left them). */
export const requestFunctions: Record<string, PdkFunction> = {
  'kong.request.get_header': (state, [name]) => value(header(state, requireString(name, 'header name'))),
  'kong.request.get_headers': (state, [max]) => value(firstLines(state.headers, maxItems(max, 'max_headers'))),
  'kong.request.get_method': (state) => value(state.method),
  'kong.request.get_path': (state) => value(state.path),
  'kong.request.get_raw_query': (state) => value(state.rawQuery),
  'kong.request.get_query': (state, [max]) => value(queryArgs(state.rawQuery, maxItems(max, 'max_args'))),
  'kong.request.get_scheme': (state) => value(state.scheme),
  'kong.request.get_host': (state) => value(state.host),
  'kong.request.get_port': (state) => value(state.port),
};
