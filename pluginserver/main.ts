// okta-auth-pluginserver: kong-pdk's kong-js-pluginserver (same flags, same server and listener) with its holes
// closed: terminal events are forgotten, errors after start-up never kill it, its logs stay off stdout.
import path = require('node:path');
import Listener = require('kong-pdk/listener');
import type Server = require('kong-pdk/server');
import cli = require('kong-pdk/cli');
import { encode } from '@msgpack/msgpack';
import { HardenedServer } from './hardened-server';
import { keepServingThroughErrors } from './crash-guard';
import { createStderrLogger, describeThrown } from './logger';

const VERBOSE_WARNING =
  '\n!!! WARNING: -v debug logging prints every RPC argument, including bearer tokens and Basic client secrets.\n' +
  '!!! Never use it in production and treat these logs as secrets.\n\n';

/** Query modes print for Kong to parse: plugin code that logs to stdout while loading must not corrupt it. */
function keepStdoutForTheAnswer(): void {
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
}

async function dump(server: HardenedServer, options: cli.PluginServerOptions): Promise<void> {
  try {
    if (options.DumpPluginInfo) {
      process.stdout.write(encode(await server.GetPluginInfo(options.DumpPluginInfo)));
    } else {
      const names = [...server.getPlugins().keys()];
      const infos = await Promise.all(names.map((name) => server.GetPluginInfo(name)));
      process.stdout.write(`${JSON.stringify(infos)}\n`);
    }
  } finally {
    server.close();
  }
}

function serve(server: HardenedServer, options: cli.PluginServerOptions, logger: Server.PluginServerLogger): void {
  const listening = new Listener(server, path.join(options.kongPrefix, options.sockName)).serve();
  listening.once('listening', () => keepServingThroughErrors(listening, logger));
  listening.on('error', (err) => {
    logger.error(`plugin server socket failed: ${describeThrown(err)}`);
    process.exit(1);
  });
}

function main(): void {
  const options = cli.parse();
  const dumping = Boolean(options.DumpAllPlugins || options.DumpPluginInfo);
  if (dumping) keepStdoutForTheAnswer();
  if (options.verbose > 0) process.stderr.write(VERBOSE_WARNING);

  const logger = createStderrLogger(options.logLevel);
  const server = new HardenedServer(options.pluginsDirectory, logger);
  if (dumping) {
    dump(server, options).catch((err: unknown) => {
      logger.error(describeThrown(err));
      process.exitCode = 1;
    });
  } else {
    serve(server, options, logger);
  }
}

main();
