import path from 'node:path';
import type { AppOptions, ApplicationUseCases } from './app';
import type { SidecarConfig } from './config';
import { DEFAULTS } from './defaults';
import { createCipher, encryptionKey } from './crypto/cipher';
import type { AccountOptions } from './domain/accounts';
import { createMailer } from './mail/transport';
import type { PortalAppOptions } from './portal/app';
import { type Store, openStore } from './store';
import { postgresDialect } from './store/postgres';
import { sqliteDialect } from './store/sqlite';

/** The store the configuration describes (PostgreSQL when DATABASE_URL is set, else SQLite), migrated. */
export async function openConfiguredStore(config: SidecarConfig): Promise<Store> {
  const dialect = config.databaseUrl ? postgresDialect(config.databaseUrl) : sqliteDialect(config.dataDir);
  const cipher = createCipher(encryptionKey(config.encryptionKey), config.previousEncryptionKeys.map(encryptionKey));
  const store = openStore({ dialect, cipher });
  await store.migrate();
  return store;
}

/** The app options the configuration describes, for every entry point that runs the sidecar. */
export function appOptionsFrom(config: SidecarConfig, store: Store): AppOptions {
  return {
    store,
    adminToken: config.adminToken,
    gatewayToken: config.gatewayToken,
    consoleUrl: config.consoleUrl,
    accounts: accountOptionsFrom(config),
    idpTimeoutMs: config.idpTimeoutMs,
    clientNamePrefix: config.clientNamePrefix,
    creationLimit: { ...DEFAULTS.creationLimit, count: config.creationLimitPerHour },
    ...(config.kongDeclarativeConfig && { kongDeclarativeConfig: config.kongDeclarativeConfig }),
    housekeepingIntervalMs: config.housekeepingIntervalMs,
    lateRegistrationCheckDelayMs: config.lateRegistrationCheckDelaySeconds * 1000,
    trustedProxies: config.trustedProxies,
  };
}

/** Where mails go when no SMTP server is configured. */
export const mailDirectory = (config: SidecarConfig) => path.join(config.dataDir, 'mail');

function accountOptionsFrom(config: SidecarConfig): AccountOptions {
  const mailer = createMailer({ smtpUrl: config.smtpUrl, directory: mailDirectory(config), from: config.mailFrom });
  return { mailer, settings: config.accounts };
}

/** The portal listener's options the configuration describes. */
export function portalOptionsFrom(config: SidecarConfig, store: Store, useCases: ApplicationUseCases): PortalAppOptions {
  return {
    store,
    useCases,
    accounts: accountOptionsFrom(config),
    allowedOrigins: config.portalAllowedOrigins,
    ...(config.portalGatewayUrl && { gatewayUrl: config.portalGatewayUrl }),
    trustedProxies: config.trustedProxies,
  };
}
