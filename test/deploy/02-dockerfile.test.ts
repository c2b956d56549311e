import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

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

  it('installs the kong-pdk version the project is tested with, where NODE_PATH finds it', () => {
    expect(dockerfile).toContain(`kong-pdk@${pkg.dependencies['kong-pdk']}`);
    expect(copiedTo(env.NODE_PATH as string)?.source).toBe('/opt/kong-pdk/lib/node_modules');
  });

  it('copies files the build really produces', () => {
    for (const copy of copies.filter((c) => c.from === 'build' && c.source.startsWith('/src/dist/'))) {
      expect(fs.existsSync(path.join(root, copy.source.replace('/src/', '')))).toBe(true);
    }
  });

  it('copies a start command that dumps exactly the okta-auth plugin as clean JSON', () => {
    const out = execFileSync(path.join(root, 'dist/bin/okta-auth-pluginserver'), [
      '--plugins-directory',
      path.join(root, 'dist/kong-plugins'),
      '--dump-all-plugins',
    ]).toString();
    const plugins = JSON.parse(out) as Array<{ Name: string; Priority: number; Phases: string[] }>;
    expect(plugins.map((p) => p.Name)).toEqual(['okta-auth']);
    expect(plugins[0]?.Phases).toEqual(['access']);
  });
});
