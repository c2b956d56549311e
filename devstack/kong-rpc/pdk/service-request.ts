import { headerName, headerTable, headerValueList } from './header-values';
import { NIL, type PdkFunction } from './reply';

/** kong.service.request.*: changes to the request Kong sends upstream. */
export const serviceRequestFunctions: Record<string, PdkFunction> = {
  'kong.service.request.set_header': (state, [name, headerValue]) => {
    const key = headerName(name);
    state.headers.set(key, headerValueList(key, headerValue));
    return NIL;
  },
  'kong.service.request.set_headers': (state, [headers]) => {
    // Validate the whole batch before applying any of it, as Kong does.
    const updates = Object.entries(headerTable(headers)).map(([name, headerValue]) => {
      const key = headerName(name);
      return [key, headerValueList(key, headerValue)] as const;
    });
    for (const [key, values] of updates) state.headers.set(key, values);
    return NIL;
  },
  'kong.service.request.add_header': (state, [name, headerValue]) => {
    const key = headerName(name);
    state.headers.set(key, [...(state.headers.get(key) ?? []), ...headerValueList(key, headerValue)]);
    return NIL;
  },
  'kong.service.request.clear_header': (state, [name]) => {
    state.headers.delete(headerName(name));
    return NIL;
  },
};
