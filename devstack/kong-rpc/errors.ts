/** The plugin server answered a request with an error string (`[1, msgid, err, nil]`). */
export class PluginServerRpcError extends Error {
  override readonly name = 'PluginServerRpcError';

  constructor(
    readonly method: string,
    readonly serverMessage: string,
  ) {
    super(`${method} failed: ${serverMessage}`);
  }

  /** Kong restarts the instance and retries the event on this error. */
  get isNoPluginInstance(): boolean {
    return this.serverMessage.toLowerCase().includes('no plugin instance');
  }
}

/** The connection to the plugin server failed (refused, closed, timed out, undecodable answer). */
export class PluginServerConnectionError extends Error {
  override readonly name = 'PluginServerConnectionError';
}

/**
 * Kong itself raised a Lua error (a PDK function given bad arguments, or StartInstance failing): the request
 * ends in Kong's 500 "An unexpected error occurred".
 */
export class KongRaisedError extends Error {
  override readonly name = 'KongRaisedError';
}
