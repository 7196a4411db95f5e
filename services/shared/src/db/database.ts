import type { PGlite } from '@electric-sql/pglite';

/**
 * The database as the rest of the code sees it: parameterised queries and transactions. Two
 * implementations share it: node-postgres against DATABASE_URL, and PGlite (PostgreSQL compiled
 * to WebAssembly) in a local directory when no DATABASE_URL is given. Both run the same SQL.
 */
export interface Queryable {
  /**
   * `name` makes a hot statement a named prepared statement: PostgreSQL parses and plans it once
   * per connection instead of on every call. The same name must always carry the same SQL.
   */
  query<Row extends object = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
    name?: string,
  ): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * How a library that keeps its own connections (the job queue, pg-boss) reaches the same
 * database: the PostgreSQL URL, or the embedded instance itself (it has a single connection).
 */
export type DatabaseConnection =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'pglite'; readonly instance: PGlite };

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  readonly connection: DatabaseConnection;
  /** Runs fn in one transaction: committed if fn resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
