/**
 * kong.yml's guard around okta-auth: where it sits (Kong runs one configuration per plugin name) and what its Lua
 * does, run by Debian's LuaJIT (Lua 5.1, as Kong's LuaJIT) with the dev gateway's PDK answering its kong.* calls.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { LuaVm } from '../../devstack/gateway/serverless/lua-vm';
import { GatewayRequestState } from '../../devstack/kong-rpc/request-state';
import { IDENTITY_HEADERS } from '../../plugins/okta-auth/upstream';
import { guardPlacementProblems } from '../support/guard-placement';

const root = path.resolve(__dirname, '../..');
const KONG_YML = path.join(root, 'kong.yml');

interface PluginEntry {
  name: string;
  config: { access?: string[] };
}
const declarative = parse(fs.readFileSync(KONG_YML, 'utf8')) as { services: Array<{ plugins?: PluginEntry[] }> };
const guardCode = (name: string): string[] =>
  declarative.services.flatMap((service) => service.plugins ?? []).find((p) => p.name === name)?.config.access ?? [];

describe("kong.yml's guard placement", () => {
  let dir: string;
  const withYml = (yml: string): string[] => {
    const file = path.join(dir, `kong-${Date.now()}-${Math.random()}.yml`);
    fs.writeFileSync(file, yml);
    return guardPlacementProblems(file);
  };
  const guard = (indent: string, extra = ''): string =>
    ['- name: pre-function', '  config: { access: ["return function() end"] }', '- name: post-function', `  config: { access: ["return function() end"]${extra} }`]
      .map((line) => indent + line)
      .join('\n');

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("has the guard's two entries on the entity of every okta-auth, and nothing that replaces them", () => {
    expect(guardPlacementProblems(KONG_YML)).toEqual([]);
  });

  const service = (plugins: string, routePlugins = ''): string => `
_format_version: "3.0"
services:
  - name: s
    url: http://127.0.0.1:9
    routes:
      - name: r
        paths: [/r]
${routePlugins ? `        plugins:\n${routePlugins}` : ''}
    plugins:
      - name: okta-auth
${plugins}
`;

  it('reports an okta-auth entity without its post-function', () => {
    expect(withYml(service('      - name: pre-function\n        config: { access: ["return function() end"] }'))).toEqual([
      'services[0].plugins[0]: okta-auth has no post-function on the same entity',
    ]);
  });

  it('reports guard code for a phase other than access', () => {
    expect(withYml(service(guard('      ', ', log: ["return function() end"]')))).toEqual([
      "services[0].plugins[2]: the guard's config must be access only",
    ]);
  });

  it('reports a pre-function on a route of the service, which would replace the guard there', () => {
    const problems = withYml(service(guard('      '), '          - name: pre-function\n            config: { access: ["return function() end"] }'));
    expect(problems).toEqual(['route r: the pre-function at services[0].routes[0].plugins[0] replaces okta-auth\'s guard']);
  });

  it('reports a global okta-auth whose guard sits on a service', () => {
    const yml = `
_format_version: "3.0"
services:
  - name: s
    url: http://127.0.0.1:9
    routes: [{ name: r, paths: [/r] }]
    plugins:
${guard('      ')}
plugins:
  - name: okta-auth
`;
    expect(withYml(yml)).toEqual([
      'plugins[0]: okta-auth has no pre-function on the same entity',
      'plugins[0]: okta-auth has no post-function on the same entity',
      "route r: the pre-function at services[0].plugins[0] replaces okta-auth's guard",
      "route r: the post-function at services[0].plugins[1] replaces okta-auth's guard",
    ]);
  });
});

describe("kong.yml's guard code, run by LuaJIT", () => {
  let vm: LuaVm;
  const run = async (name: string, headers: Record<string, string>) => {
    const code = guardCode(name);
    expect(code).toHaveLength(1);
    const id = await vm.load(name, code[0] as string);
    const state = new GatewayRequestState({ headers }, {});
    const result = await vm.run(id, state);
    return { result, outcome: state.outcome() };
  };

  beforeAll(async () => {
    vm = await LuaVm.start();
  });

  afterAll(() => vm.close());

  it('returns a function from each code string, touching nothing of kong when loaded (Kong caches the function)', () => {
    for (const name of ['pre-function', 'post-function']) {
      const kind = execFileSync('luajit', ['-e', 'local chunk = assert(loadstring(io.read("*a"))); setfenv(chunk, { ipairs = ipairs }); io.write(type(chunk()))'], {
        input: guardCode(name)[0],
      }).toString();
      expect([name, kind]).toEqual([name, 'function']);
    }
  });

  it('pre-function clears exactly the identity headers okta-auth vouches for, whatever their case', async () => {
    const forged = Object.fromEntries(IDENTITY_HEADERS.map((name) => [name.toUpperCase(), 'forged']));
    const { result, outcome } = await run('pre-function', { ...forged, 'x-other': 'kept', authorization: 'Bearer t' });

    expect(result).toEqual({ kind: 'done' });
    expect(outcome.upstreamHeaders).toEqual({ 'x-other': 'kept', authorization: 'Bearer t' });
    expect(outcome.pdkCalls).toEqual(IDENTITY_HEADERS.map(() => 'kong.service.request.clear_header'));
  });

  it('post-function returns 503 and logs at err when X-Credential-Identifier is missing', async () => {
    const { result, outcome } = await run('post-function', { 'x-client-id': 'forged' });

    expect(result).toEqual({ kind: 'exit' });
    expect(outcome.exit).toMatchObject({ status: 503, body: { message: 'Authentication unavailable' } });
    expect(outcome.logs.map((entry) => entry.level)).toEqual(['err']);
  });

  it('post-function lets a request through that okta-auth marked, with one PDK call', async () => {
    const { result, outcome } = await run('post-function', { 'x-credential-identifier': 'client-1' });

    expect(result).toEqual({ kind: 'done' });
    expect(outcome.exit).toBeUndefined();
    expect(outcome.pdkCalls).toEqual(['kong.request.get_header']);
  });
});
