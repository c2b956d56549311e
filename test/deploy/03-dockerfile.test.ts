import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KongPluginServerClient } from '../../devstack/kong-rpc';
import { spawnPluginServer } from '../../devstack/kong-rpc/plugin-server-process';
import { SERVERLESS_PRIORITIES } from '../../devstack/gateway/serverless/serverless-plugin';
import { IDENTITY_HEADERS } from '../../plugins/okta-auth/upstream';

const root = path.resolve(__dirname, '../..');
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

// ENV lines joined across continuations, then KEY=value pairs with optional double quotes.
function dockerEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  const joined = text.replace(/\\\n\s*/g, ' ');
  for (const line of joined.split('\n').filter((l) => /^ENV\s/.test(l))) {
    for (const m of line.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=("([^"]*)"|\S+)/g)) {
      env[m[1] as string] = m[3] ?? (m[2] as string);
    }
  }
  return env;
}

function finalStageCopies(text: string): Array<{ from?: string; source: string; dest: string }> {
  const finalStage = text.slice(text.lastIndexOf('\nFROM '));
  return [...finalStage.matchAll(/^COPY (?:--from=(\S+) )?(\S+) (\S+)$/gm)].map((m) => ({
    from: m[1],
    source: m[2] as string,
    dest: m[3] as string,
  }));
}

/** The interpreter line of a script, e.g. `/usr/local/bin/node` for `#!/usr/local/bin/node`. */
function shebang(file: string): string {
  return /^#!(\S+)/.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? '';
}

/** The build stage's `RUN PLUGIN_SERVER_NODE=<path> npm run build`: the interpreter the bundle names. */
function buildInterpreter(text: string): string | undefined {
  return /^RUN PLUGIN_SERVER_NODE=(\S+) npm run build$/m.exec(text)?.[1];
}

describe('Dockerfile', () => {
  const env = dockerEnv(dockerfile);
  const copies = finalStageCopies(dockerfile);
  const copiedTo = (dest: string) => copies.find((c) => c.dest === dest);

  it('extends the official Kong image and brings Node 20', () => {
    expect(dockerfile).toMatch(/^FROM kong:3\.\d+$/m);
    expect(copiedTo('/usr/local/bin/node')?.from).toBe('node:20-bookworm-slim');
  });

  it('starts the plugin server with our own start command from the path it copies it to', () => {
    const [command, flag, pluginsDir] = env.KONG_PLUGINSERVER_JS_START_CMD?.split(' ') ?? [];
    expect(copiedTo(command as string)?.source).toBe('/src/dist/bin/okta-auth-pluginserver');
    expect(flag).toBe('--plugins-directory');
    const pluginCopies = copies.filter((c) => path.dirname(c.dest) === pluginsDir);
    expect(pluginCopies.map((c) => c.source)).toEqual(['/src/dist/kong-plugins/okta-auth.js']);
    expect(env.KONG_PLUGINSERVER_JS_QUERY_CMD).toBe(`${env.KONG_PLUGINSERVER_JS_START_CMD} --dump-all-plugins`);
  });

  it("points Kong's socket at the start command's default prefix and socket name, and enables the plugin", () => {
    expect(env.KONG_PLUGINSERVER_JS_SOCKET).toBe('/usr/local/kong/js_pluginserver.sock');
    expect(env.KONG_PLUGINSERVER_NAMES).toBe('js');
    expect(env.KONG_PLUGINS?.split(',')).toEqual(['bundled', 'okta-auth']);
    expect(copiedTo(env.KONG_DECLARATIVE_CONFIG as string)?.source).toBe('kong.yml');
  });

  it('bundles the exact kong-pdk version the project is tested with, and sets no ENV the plugin server reads', () => {
    expect(pkg.dependencies['kong-pdk']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(dockerfile).not.toMatch(/install[^\n]*kong-pdk/);
    expect(Object.keys(env).filter((name) => !name.startsWith('KONG_'))).toEqual([]);
    expect(fs.readFileSync(path.join(root, 'dist/bin/okta-auth-pluginserver'), 'utf8')).toContain('kong-pdk/server.js');
  });

  it('names the start command\'s interpreter by a path the image holds, as the local build names its own', () => {
    const interpreter = buildInterpreter(dockerfile);
    expect(interpreter).toBe('/usr/local/bin/node');
    expect(copiedTo(interpreter as string)?.from).toBe('node:20-bookworm-slim');
    expect(shebang(path.join(root, 'dist/bin/okta-auth-pluginserver'))).toBe(process.execPath);
  });

  it('copies files the build really produces', () => {
    for (const copy of copies.filter((c) => c.from === 'build' && c.source.startsWith('/src/dist/'))) {
      expect(fs.existsSync(path.join(root, copy.source.replace('/src/', '')))).toBe(true);
    }
  });

  describe('the start command and plugin copied out as the image holds them, run with an empty environment from /', () => {
    let image: string;
    const inImage = (file: string) => path.join(image, file);
    const [command, , pluginsDir] = env.KONG_PLUGINSERVER_JS_START_CMD?.split(' ') ?? [];

    beforeAll(() => {
      image = fs.mkdtempSync(path.join(os.tmpdir(), 'image-'));
      for (const copy of copies.filter((c) => c.from === 'build')) {
        fs.mkdirSync(path.dirname(inImage(copy.dest)), { recursive: true });
        fs.copyFileSync(path.join(root, copy.source.replace('/src/', '')), inImage(copy.dest));
        fs.chmodSync(inImage(copy.dest), fs.statSync(path.join(root, copy.source.replace('/src/', ''))).mode);
      }
    });

    afterAll(() => fs.rmSync(image, { recursive: true, force: true }));

    it('dumps exactly the okta-auth plugin as clean JSON', () => {
      const out = execFileSync(inImage(command as string), ['--plugins-directory', inImage(pluginsDir as string), '--dump-all-plugins'], {
        env: {},
        cwd: '/',
      }).toString();
      const plugins = JSON.parse(out) as Array<{ Name: string; Priority: number; Phases: string[] }>;
      expect(plugins.map((p) => p.Name)).toEqual(['okta-auth']);
      expect(plugins[0]?.Phases).toEqual(['access']);
    });

    it('serves requests: okta-auth answers 401 to a request without credentials', async () => {
      const server = await spawnPluginServer({
        command: inImage(command as string),
        pluginsDir: inImage(pluginsDir as string),
        prefix: image,
        env: {},
        cwd: '/',
      });
      const kong = await KongPluginServerClient.connect({ socketPath: server.socketPath, poolSize: 1 });
      try {
        const outcome = await kong.plugin('okta-auth', { issuer: 'https://acme.okta.com/oauth2/default' }).access({ headers: {} });
        expect(outcome.exit?.status).toBe(401);
      } finally {
        kong.close();
        await server.stop();
      }
    });
  });
});

describe("README's Deploying in real Kong, against the Dockerfile and kong.yml", () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Deploying in real Kong'), readme.indexOf('\n## ', readme.indexOf('## Deploying in real Kong') + 1));
  const kongYml = fs.readFileSync(path.join(root, 'kong.yml'), 'utf8');
  const env = dockerEnv(dockerfile);

  it("lists exactly the Dockerfile's plugin-server settings, and the interpreter the image names", () => {
    const listed = Object.fromEntries([...section.matchAll(/^(KONG_[A-Z_]+)=(.+)$/gm)].map((m) => [m[1], m[2]]));
    const pluginSettings = Object.fromEntries(Object.entries(env).filter(([name]) => /^KONG_PLUGIN/.test(name)));
    expect(listed).toEqual(pluginSettings);
    expect(section).toContain(`#!${buildInterpreter(dockerfile)}`);
    expect(section).not.toMatch(/NODE_PATH=/);
  });

  it("describes the guard kong.yml carries: the headers, the priorities and okta-auth's 503", () => {
    const named = [...section.matchAll(/`(X-[A-Za-z-]+)`/g)].map((m) => (m[1] as string).toLowerCase());
    expect([...new Set(named)]).toEqual(expect.arrayContaining([...IDENTITY_HEADERS]));
    expect(section).toContain(`priority ${SERVERLESS_PRIORITIES['pre-function']!.toLocaleString('en-US')}`);
    expect(section).toContain(`priority ${SERVERLESS_PRIORITIES['post-function']}`);
    expect(section).toContain('503 {"message":"Authentication unavailable"}');
    expect(kongYml).toContain('kong.response.exit(503, { message = "Authentication unavailable" })');
    for (const plugin of Object.keys(SERVERLESS_PRIORITIES)) expect(kongYml).toContain(`- name: ${plugin}`);
  });

  it('names the setting that bounds what a hung plugin server costs', () => {
    expect(section).toMatch(/60 s/);
    expect(section).toContain('KONG_NGINX_HTTP_LUA_SOCKET_READ_TIMEOUT');
  });
});
