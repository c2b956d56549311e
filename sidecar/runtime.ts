import type { SidecarConfig } from './config';
import { createCipher, encryptionKey } from './crypto/cipher';
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
