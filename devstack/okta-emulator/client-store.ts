// The registered clients. A client secret is shown once, when it is issued, and kept only as a digest: with a data
// directory the clients are saved to clients.json after every change, so a restart keeps every application
// working, and no secret ever reaches the disk.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import type { ClientMetadata } from './client-metadata';
import { randomAlnum } from './http';
import { stateFile, type StateFile } from './state-file';

export interface StoredClient {
  client_id: string;
  /** The secret's digest; absent for token_endpoint_auth_method none. */
  client_secret_hash?: string;
  client_id_issued_at: number;
  metadata: ClientMetadata;
}

/** A client with the secret just issued to it, the one moment the secret exists in the clear. */
export interface IssuedClient {
  client: StoredClient;
  secret?: string;
}

/** 64 characters over base64url, the length and alphabet of Okta's current client secrets. */
function newSecret(): string {
  return randomBytes(48).toString('base64url');
}

/**
 * The stored form of a secret. The secrets are 384 random bits, so an unkeyed SHA-256 cannot be brute-forced and a
 * slow password hash would only slow down every token request.
 */
function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant-time check of a presented secret against a stored digest (what oidc-provider's compareClientSecret asks). */
export function secretMatches(presented: unknown, secretHash: string): boolean {
  const expected = Buffer.from(secretHash, 'hex');
  return typeof presented === 'string' && expected.length === 32 && timingSafeEqual(digest(presented), expected);
}

function storedClients(stored: unknown, file: string): StoredClient[] {
  const list = (stored as { clients?: unknown } | null)?.clients;
  const valid =
    Array.isArray(list) &&
    list.every((c: Partial<StoredClient> | null) => typeof c?.client_id === 'string' && typeof c.metadata?.client_name === 'string');
  if (!valid) throw new Error(`${file} does not hold the emulator's clients: remove it to start without clients`);
  return list as StoredClient[];
}

export class ClientStore {
  /** Insertion order is the listing order. */
  private readonly clients = new Map<string, StoredClient>();

  private constructor(private readonly file: StateFile) {
    const stored = file.load();
    if (stored !== undefined) for (const client of storedClients(stored, file.name)) this.clients.set(client.client_id, client);
  }

  /** The clients the data directory keeps (none on a first run); in memory only without one. */
  static open(dataDir?: string): ClientStore {
    return new ClientStore(stateFile(dataDir, 'clients.json'));
  }

  get(clientId: string): StoredClient | undefined {
    return this.clients.get(clientId);
  }

  list(): StoredClient[] {
    return [...this.clients.values()];
  }

  create(metadata: ClientMetadata): IssuedClient {
    let clientId: string;
    do clientId = `0oa${randomAlnum(17)}`;
    while (this.clients.has(clientId));
    const secret = metadata.token_endpoint_auth_method === 'none' ? undefined : newSecret();
    const client: StoredClient = {
      client_id: clientId,
      client_id_issued_at: Math.floor(Date.now() / 1000),
      metadata,
      ...(secret === undefined ? {} : { client_secret_hash: digest(secret).toString('hex') }),
    };
    this.put(client);
    return { client, secret };
  }

  /** Full replace of the metadata; the id, issue time and secret stay. */
  replace(client: StoredClient, metadata: ClientMetadata): StoredClient {
    const replaced = { ...client, metadata };
    this.put(replaced);
    return replaced;
  }

  /** The old secret stops working at once (Okta does not document otherwise). */
  rotateSecret(client: StoredClient): IssuedClient {
    const secret = newSecret();
    const rotated = { ...client, client_secret_hash: digest(secret).toString('hex') };
    this.put(rotated);
    return { client: rotated, secret };
  }

  delete(clientId: string): boolean {
    const deleted = this.clients.delete(clientId);
    if (deleted) this.save();
    return deleted;
  }

  private put(client: StoredClient): void {
    this.clients.set(client.client_id, client);
    this.save();
  }

  private save(): void {
    this.file.save({ clients: this.list() });
  }
}
