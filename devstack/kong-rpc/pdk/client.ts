import { NIL, raise, value, type PdkFunction } from './reply';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isTableOrNil = (candidate: unknown) => candidate === null || candidate === undefined || typeof candidate === 'object';

/**
 * kong.client's authentication functions, as kong/pdk/client.lua (3.9) has them: authenticate() records the
 * consumer and credential for every later plugin (ngx.ctx.authenticated_consumer / authenticated_credential);
 * load_consumer() reads Kong's consumers (the declarative `consumers` here) by id, then by username.
 */
export const clientFunctions: Record<string, PdkFunction> = {
  'kong.client.authenticate': (state, [consumer, credential]) => {
    if (!isTableOrNil(consumer)) raise('consumer must be a table or nil');
    if (!isTableOrNil(credential)) raise('credential must be a table or nil');
    if ((consumer ?? null) === null && (credential ?? null) === null) {
      raise('either credential or consumer must be provided');
    }
    state.consumer = consumer ?? undefined;
    state.credential = credential ?? undefined;
    return NIL;
  },
  'kong.client.get_consumer': (state) => value(state.consumer),
  'kong.client.get_credential': (state) => value(state.credential),
  'kong.client.load_consumer': (state, [consumerId, searchByUsername]) => {
    if (typeof consumerId !== 'string') raise('consumer_id must be a string');
    const isUuid = UUID.test(consumerId);
    if (!isUuid && !searchByUsername) raise('cannot load a consumer with an id that is not a uuid');
    const byId = isUuid ? state.consumers.find((consumer) => consumer.id === consumerId) : undefined;
    if (byId || !searchByUsername) return value(byId && { ...byId });
    const byUsername = state.consumers.find((consumer) => consumer.username === consumerId);
    return value(byUsername && { ...byUsername });
  },
};
