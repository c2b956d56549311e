import { createStderrLogger } from '../../pluginserver/logger';

function captured(log: () => void): string {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    log();
  } finally {
    spy.mockRestore();
  }
  return lines.join('');
}

describe('plugin server logger', () => {
  it('logs an instance Kong recreates after an idle expiry as information, not as an error', () => {
    const out = captured(() => createStderrLogger('info').error('rpc: # 17 PluginServerError: no plugin instance #3'));
    expect(out).toMatch(/\] info: instance expired while idle, Kong starts it again: rpc: # 17 PluginServerError: no plugin instance #3\n$/);
  });

  it('still logs other failed calls as errors', () => {
    const out = captured(() => createStderrLogger('info').error('rpc: # 18 Error: boom'));
    expect(out).toMatch(/\] error: rpc: # 18 Error: boom\n$/);
  });
});
