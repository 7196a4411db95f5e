import Postgrator from 'postgrator';
import type { Database } from './database.js';

/** A directory of Postgrator migration files (`NNN.do.name.sql`), tracked in its own table. */
export interface MigrationSet {
  /** Names the version table, `<schema>.<name>_migrations`. */
  readonly name: string;
  readonly directory: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export function assertIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`Not a safe SQL identifier: ${name}`);
  }
  return name;
}

/**
 * Brings one service's schema up to date. Everything runs in one transaction under an advisory
 * lock, so replicas starting together migrate once and a failed migration leaves nothing behind.
 */
export async function migrateSchema(
  db: Database,
  schema: string,
  sets: readonly MigrationSet[],
): Promise<void> {
  assertIdentifier(schema);
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`peerbridge-migrate:${schema}`]);
    // A migration may rewrite a large table: the request statement_timeout does not apply to it.
    await tx.exec(
      `SET LOCAL statement_timeout = 0; CREATE SCHEMA IF NOT EXISTS ${schema}; SET LOCAL search_path TO ${schema}`,
    );
    for (const set of sets) {
      const postgrator = new Postgrator({
        driver: 'pg',
        schemaTable: `${schema}.${assertIdentifier(set.name)}_migrations`,
        migrationPattern: `${set.directory}/*.sql`,
        execQuery: async (sql) => ({ rows: await tx.query(sql) }),
        execSqlScript: (sql) => tx.exec(sql),
      });
      await postgrator.migrate();
    }
  });
}
