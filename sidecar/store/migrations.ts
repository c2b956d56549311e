import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Database, SessionRow } from './schema';

/** Every migration, in order. Written with the schema builder only, so each one runs on every dialect. */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('dcr_providers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text')
        .addColumn('provider_type', 'text', (c) => c.notNull())
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('dcr_config', 'text', (c) => c.notNull())
        .addColumn('dcr_secrets', 'text', (c) => c.notNull())
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('auth_strategies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('strategy_type', 'text', (c) => c.notNull())
        .addColumn('configs', 'text', (c) => c.notNull())
        .addColumn('dcr_provider_id', 'text', (c) => c.references('dcr_providers.id'))
        .addColumn('auto_approve', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('developers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('full_name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('applications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('developer_id', 'text', (c) => c.notNull().references('developers.id'))
        .addColumn('auth_strategy_id', 'text', (c) => c.notNull().references('auth_strategies.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('client_id', 'text', (c) => c.notNull().unique())
        .addColumn('redirect_uris', 'text', (c) => c.notNull())
        .addColumn('idp_secrets', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('deletion_attempts', 'integer', (c) => c.notNull())
        .addColumn('next_deletion_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('applications_developer_id').on('applications').column('developer_id').execute();
      await db.schema
        .createTable('registrations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id').onDelete('cascade'))
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('registrations_application_service', ['application_id', 'service'])
        .execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('developer_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('response', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['developer_id', 'key'])
        .execute();
      await db.schema
        .createTable('application_creations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('developer_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('application_creations_developer')
        .on('application_creations')
        .columns(['developer_id', 'created_at'])
        .execute();
    },
  },
  '0002_registration_checks': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('registration_checks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('provider_id', 'text', (c) => c.notNull().references('dcr_providers.id').onDelete('cascade'))
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('check_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('registration_checks_check_at').on('registration_checks').column('check_at').execute();
    },
  },
  '0003_developer_accounts': {
    async up(db: Kysely<unknown>) {
      const developers = db.schema.alterTable('developers');
      // Developers so far were created by an admin, with a token: approved, their token current.
      await developers.addColumn('status', 'text', (c) => c.notNull().defaultTo('approved')).execute();
      await developers.addColumn('password_hash', 'text').execute();
      await developers.addColumn('email_verified_at', 'text').execute();
      await developers.addColumn('token_created_at', 'text').execute();
      await (db as Kysely<Database>)
        .updateTable('developers')
        .set((eb) => ({ token_created_at: eb.ref('created_at') }))
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('face', 'text', (c) => c.notNull())
        .addColumn('developer_id', 'text', (c) => c.notNull().references('developers.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_developer_id').on('sessions').column('developer_id').execute();
      await db.schema
        .createTable('account_tokens')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('developer_id', 'text', (c) => c.notNull().references('developers.id').onDelete('cascade'))
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('account_tokens_developer_id').on('account_tokens').column('developer_id').execute();
      await db.schema
        .createTable('rate_limit_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('bucket', 'text', (c) => c.notNull())
        .addColumn('subject_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('rate_limit_events_subject')
        .on('rate_limit_events')
        .columns(['bucket', 'subject_hash', 'created_at'])
        .execute();
    },
  },
  '0004_creation_reservations': {
    async up(db: Kysely<unknown>) {
      // Existing rows are completed creations (null).
      await db.schema.alterTable('application_creations').addColumn('reserved_until', 'text').execute();
    },
  },
  '0005_apis': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('apis')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('version', 'text')
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('spec_content', 'text')
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('attributes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('publications')
        .addColumn('api_id', 'text', (c) => c.notNull().references('apis.id').onDelete('cascade'))
        .addColumn('portal_id', 'text', (c) => c.notNull())
        .addColumn('auth_strategy_id', 'text', (c) => c.references('auth_strategies.id'))
        .addColumn('visibility', 'text', (c) => c.notNull())
        .addColumn('auto_approve_registrations', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('publications_pk', ['api_id', 'portal_id'])
        .execute();
    },
  },
  '0006_client_verified': {
    async up(db: Kysely<unknown>) {
      // 1: the developer proved they hold the client (or the sidecar registered it); 0: an admin's unverified claim.
      await db.schema.alterTable('applications').addColumn('client_verified', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    },
  },
  '0007_audit_events': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        // No foreign keys: the trail outlives what it describes.
        .addColumn('application_id', 'text')
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute();
      await db.schema.createIndex('audit_events_application').on('audit_events').columns(['application_id', 'created_at']).execute();
    },
  },
  '0008_pre_sessions': {
    async up(db: Kysely<unknown>) {
      // The CSRF token of a sign-in or sign-up form shown before any session: the cookie holds only the row's id.
      await db.schema
        .createTable('pre_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('face', 'text', (c) => c.notNull())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pre_sessions_created_at').on('pre_sessions').column('created_at').execute();
    },
  },
  '0009_console_sessions': {
    async up(db: Kysely<unknown>) {
      // A console session belongs to the admin token, not to a developer: developer_id becomes optional and
      // admin_id (the token's id) is added. SQLite cannot drop a NOT NULL, so the table is rebuilt on both.
      await db.schema
        .createTable('sessions_next')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('face', 'text', (c) => c.notNull())
        .addColumn('developer_id', 'text', (c) => c.references('developers.id').onDelete('cascade'))
        .addColumn('admin_id', 'text')
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .execute();
      const columns = ['id_hash', 'face', 'developer_id', 'csrf_token', 'created_at', 'last_seen_at'] as const;
      const typed = db as Kysely<Database & { sessions_next: SessionRow }>;
      await typed.insertInto('sessions_next').columns(columns).expression(typed.selectFrom('sessions').select(columns)).execute();
      await db.schema.dropTable('sessions').execute();
      await db.schema.alterTable('sessions_next').renameTo('sessions').execute();
      await db.schema.createIndex('sessions_developer_id').on('sessions').column('developer_id').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the database to the latest schema (its migration tables in `schema`, if given); throws the first migration error. */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
  const { error } = await new Migrator({ db, provider, ...(schema && { migrationTableSchema: schema }) }).migrateToLatest();
  if (error) throw error;
}
