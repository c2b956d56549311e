// Preloaded by the npm scripts that run one part alone (`node --require`: `npm run sidecar`, `npm run reconcile`,
// `npm run okta-emulator`): when `npm start` ran here before, the variables left unset take the values `npm start`
// gives that part (data/secrets.json and the stack's places), so `npm run reconcile` beside `npm start` just works.
// Without a data/secrets.json nothing changes: the part asks for what it needs, as in production.
import path from 'node:path';
import { localStackVariables, withLocalStackDefaults } from './local-environment';
import { readSecrets, SECRETS_FILE } from './secrets';
import { stackDataDir, stackDeclarativeConfig } from './settings';

const REPO_ROOT = path.resolve(__dirname, '../../..');

const dataDir = stackDataDir(process.env, REPO_ROOT);
const secrets = readSecrets(dataDir);
if (secrets) {
  const taken = withLocalStackDefaults(process.env, localStackVariables(dataDir, stackDeclarativeConfig(REPO_ROOT), secrets));
  if (taken.length) console.error(`using the local stack's ${taken.join(', ')} (from ${path.join(dataDir, SECRETS_FILE)} and npm start's defaults)`);
}
