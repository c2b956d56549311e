import path from 'node:path';
import type { StackSecrets } from './secrets';

/**
 * The variables `npm start` gives the parts it runs, beyond ports and host: its generated secrets, where the
 * sidecar and the local Okta-compatible server keep their data, and the declarative file Kong (and the sidecar,
 * for the service names) reads. One list, so that every npm script can run with the same values.
 */
export function localStackVariables(dataDir: string, declarativeConfigPath: string, secrets: Partial<StackSecrets>): Record<string, string> {
  return {
    ...secrets,
    SIDECAR_DATA_DIR: dataDir,
    SIDECAR_KONG_DECLARATIVE_CONFIG: declarativeConfigPath,
    OKTA_EMULATOR_DATA_DIR: path.join(dataDir, 'okta-emulator'),
  };
}

/**
 * The local journey's developer accounts, for `npm start` alone: a developer who signs up is approved at once,
 * without an email link. The sidecar's own defaults, production's, are the safe ones: pending until an admin
 * approves, and the email verified first.
 */
export const LOCAL_JOURNEY_ACCOUNTS = { PORTAL_AUTO_APPROVE_DEVELOPERS: 'true', PORTAL_REQUIRE_EMAIL_VERIFICATION: 'false' } as const;

/**
 * `env` with every variable it leaves unset (or empty) taken from the local stack; what the environment sets wins.
 * The names of the variables taken, for a message.
 */
export function withLocalStackDefaults(env: NodeJS.ProcessEnv, variables: Record<string, string>): string[] {
  const taken = Object.keys(variables).filter((name) => !env[name]);
  for (const name of taken) env[name] = variables[name];
  return taken;
}
