import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import type { Database, Queryable } from '../../db/database.js';
import { assertIdentifier } from '../../db/migrate.js';
import { gone, notFound, preconditionFailed } from '../../errors/operation-outcome-error.js';
import type { ResourceDefinition } from '../resource-definition.js';
import { indexRowsFor, type IndexRows } from '../search/index-rows.js';
import { orderByClause, whereClause } from '../search/search-sql.js';
import type { AccessRestriction, SearchRequest } from '../search/search-request.js';
import { SqlParams } from '../search/sql-params.js';
import { newEvent } from '../../events/domain-event.js';
import { createAllStatement } from './create-all-statement.js';
import { writeStatement } from './write-statement.js';

/** A resource to create under the id the service chose for it (any id it holds is replaced). */
export interface NewResource<T extends Resource = Resource> {
  readonly resource: T;
  readonly id: string;
}

/** An event about resources written together, which it names and carries (newEvent). */
export interface CarryingEvent {
  readonly type: string;
  readonly aggregate: { readonly type: string; readonly id: string };
}

export interface StoredVersion {
  readonly versionId: number;
  readonly lastUpdated: string;
  readonly deleted: boolean;
  /** Absent for a deletion. */
  readonly resource: Resource | undefined;
}

export interface SearchResult {
  readonly matches: Resource[];
  readonly included: Resource[];
  readonly total: number | undefined;
  readonly hasMore: boolean;
}

interface Statement {
  readonly sql: string;
  readonly values: unknown[];
}

interface VersionRow {
  version_id: number;
  last_updated: string | Date;
  deleted: boolean;
  content: Resource | null;
}

/**
 * The versioned FHIR resource store for one service's schema, generic over resource type.
 * resource holds each resource's current version, resource_version every earlier one; a write
 * replaces the current version and rewrites its search index rows in one statement. Methods
 * take an optional Queryable so that a caller can put several writes (and their outbox event) in
 * one transaction of its own.
 */
export class ResourceStore {
  private readonly schema: string;

  constructor(
    private readonly db: Database,
    schema: string,
    private readonly definitions: ReadonlyMap<string, ResourceDefinition>,
    private readonly baseUrl: string,
  ) {
    this.schema = assertIdentifier(schema);
  }

  /** A new resource with a new id, or with `id` when the service chose it (it must be unused). */
  async create<T extends Resource>(
    resource: T,
    q: Queryable = this.db,
    id: string = randomUUID(),
  ): Promise<T> {
    return this.writeVersion(q, { ...resource, id }, 1);
  }

  /**
   * New resources written together, each under the id the service chose (unused), with their
   * index rows and, when `event` is given, the outbox event that names and carries exactly these
   * resources: one statement, so all of them are stored or none is, even outside a transaction.
   */
  async createAll<T extends Resource>(
    entries: readonly NewResource<T>[],
    q: Queryable = this.db,
    event?: CarryingEvent,
  ): Promise<(T & { id: string })[]> {
    const lastUpdated = new Date().toISOString();
    const stored = entries.map(({ resource, id }) => stamped({ ...resource, id }, 1, lastUpdated));
    const statement = createAllStatement(
      this.schema,
      stored.map((resource) => ({ resource, id: resource.id, rows: this.indexRows(resource) })),
      lastUpdated,
      event && newEvent({ ...event, resources: stored, carryResources: true }),
    );
    await q.query(statement.sql, statement.values, statement.name);
    return stored;
  }

  async read(resourceType: string, id: string, q: Queryable = this.db): Promise<Resource> {
    const [row] = await q.query<VersionRow>(
      `SELECT version_id, last_updated, deleted, content FROM ${this.schema}.resource WHERE resource_type = $1 AND id = $2`,
      [resourceType, id],
      `${this.schema}.read`,
    );
    return this.existing(resourceType, id, row);
  }

  async vread(resourceType: string, id: string, versionId: string): Promise<Resource> {
    if (!/^\d{1,9}$/.test(versionId)) {
      throw notFound(`${resourceType}/${id} has no version ${versionId}`);
    }
    const [row] = await this.db.query<VersionRow>(
      `SELECT * FROM (${this.allVersions()}) v WHERE version_id = $3`,
      [resourceType, id, Number(versionId)],
    );
    if (!row) {
      throw notFound(`${resourceType}/${id} has no version ${versionId}`);
    }
    return this.existing(resourceType, id, row);
  }

  /** Every version, newest first; a page of them when count is given. */
  async history(resourceType: string, id: string, count: number, offset: number): Promise<StoredVersion[]> {
    const rows = await this.db.query<VersionRow>(
      `SELECT * FROM (${this.allVersions()}) v ORDER BY version_id DESC LIMIT $3 OFFSET $4`,
      [resourceType, id, count, offset],
    );
    if (rows.length === 0 && offset === 0) {
      throw notFound(`${resourceType}/${id} not found`);
    }
    return rows.map((row) => ({
      versionId: row.version_id,
      lastUpdated: toIso(row.last_updated),
      deleted: row.deleted,
      resource: row.content ? presented(row.content) : undefined,
    }));
  }

  async countVersions(resourceType: string, id: string): Promise<number> {
    const [row] = await this.db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM (${this.allVersions()}) v`,
      [resourceType, id],
    );
    return row?.count ?? 0;
  }

  /**
   * Replaces the current version. With expectedVersion (from If-Match) a different current
   * version is a 412, so two clients cannot overwrite each other's changes unseen.
   */
  async update<T extends Resource>(
    resource: T & { id: string },
    expectedVersion?: number,
    q?: Queryable,
  ): Promise<T> {
    const run = async (tx: Queryable) => {
      const current = await this.lockCurrent(tx, resource.resourceType, resource.id);
      if (expectedVersion !== undefined && expectedVersion !== current.version_id) {
        throw preconditionFailed(
          `Version conflict: If-Match names version ${expectedVersion}, current is ${current.version_id}`,
        );
      }
      return this.writeVersion(tx, resource, current.version_id + 1);
    };
    return q ? run(q) : this.db.transaction(run);
  }

  /** Marks a resource deleted; later reads answer 410. Deleting twice changes nothing. */
  async delete(resourceType: string, id: string, q?: Queryable): Promise<void> {
    const run = async (tx: Queryable) => {
      const current = await this.currentForUpdate(tx, resourceType, id);
      if (!current) {
        throw notFound(`${resourceType}/${id} not found`);
      }
      if (!current.deleted) {
        await this.writeRow(
          tx,
          resourceType,
          id,
          current.version_id + 1,
          new Date().toISOString(),
          null,
          EMPTY_ROWS,
        );
      }
    };
    await (q ? run(q) : this.db.transaction(run));
  }

  /**
   * FHIR conditional create: create unless the search finds a match. An advisory lock on the
   * search makes check and create atomic, so two concurrent identical requests create once.
   */
  async conditionalCreate(
    request: SearchRequest,
    create: (tx: Queryable) => Promise<Resource>,
  ): Promise<{ created: boolean; resource: Resource }> {
    // The lock is on what the criteria mean, not how they are spelled: the same filters in any
    // order, with their alternatives in any order, take the same lock.
    const criteria = request.filters
      .map((f) => JSON.stringify([f.name, f.modifier ?? '', [...f.values].sort()]))
      .sort();
    const lockKey = `${request.resourceType}?${criteria.join('&')}`;
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey]);
      const { matches } = await this.search(
        { ...request, count: 2, offset: 0, total: 'none', include: [] },
        tx,
      );
      if (matches.length > 1) {
        throw preconditionFailed(
          `If-None-Exist matched ${matches.length} or more ${request.resourceType} resources`,
        );
      }
      if (matches[0]) {
        return { created: false, resource: matches[0] };
      }
      return { created: true, resource: await create(tx) };
    });
  }

  async search(request: SearchRequest, q: Queryable = this.db): Promise<SearchResult> {
    const { page, total: totalQuery } = this.searchStatements(request);
    const rows = await q.query<{ content: Resource }>(page.sql, page.values);
    const hasMore = rows.length > request.count;
    const matches = rows.slice(0, request.count).map((row) => presented(row.content));
    const total = totalQuery
      ? (await q.query<{ total: number }>(totalQuery.sql, totalQuery.values))[0]?.total
      : undefined;
    const included = await this.included(request, matches, q);
    return { matches, included, total, hasMore };
  }

  /**
   * The query plans PostgreSQL chooses for the statements search runs (the page, and the count
   * unless _total=none), from EXPLAIN (FORMAT JSON) on exactly that SQL and those parameters.
   * Tests use it to show that searches are index lookups, not scans.
   */
  async explainSearch(request: SearchRequest): Promise<{ page: unknown; total: unknown }> {
    const { page, total } = this.searchStatements(request);
    const explain = async (statement: Statement) =>
      (
        await this.db.query<{ 'QUERY PLAN': unknown }>(
          `EXPLAIN (FORMAT JSON) ${statement.sql}`,
          statement.values,
        )
      )[0]?.['QUERY PLAN'];
    return { page: await explain(page), total: total ? await explain(total) : undefined };
  }

  private searchStatements(request: SearchRequest): { page: Statement; total: Statement | undefined } {
    const params = new SqlParams();
    const where = whereClause(this.schema, request, params, this.baseUrl);
    const order = orderByClause(this.schema, request.sort);
    const pageParams = new SqlParams();
    pageParams.values.push(...params.values);
    const limit = pageParams.add(request.count + 1);
    const offset = pageParams.add(request.offset);
    return {
      page: {
        sql: `SELECT r.content FROM ${this.schema}.resource r WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
        values: pageParams.values,
      },
      total:
        request.total === 'none'
          ? undefined
          : {
              sql: `SELECT count(*)::int AS total FROM ${this.schema}.resource r WHERE ${where}`,
              values: params.values,
            },
    };
  }

  private async included(request: SearchRequest, matches: Resource[], q: Queryable): Promise<Resource[]> {
    if (request.include.length === 0 || matches.length === 0) {
      return [];
    }
    const params = request.include.map((include) => include.split(':')[1]);
    const rows = await q.query<{ content: Resource }>(
      `SELECT DISTINCT r.content, r.resource_type, r.id FROM ${this.schema}.search_reference s
       JOIN ${this.schema}.resource r
         ON r.resource_type = split_part(s.target, '/', 1) AND r.id = split_part(s.target, '/', 2)
       WHERE s.resource_type = $1 AND s.param = ANY($2::text[]) AND s.id = ANY($3::text[]) AND NOT r.deleted
       ORDER BY r.resource_type, r.id`,
      [request.resourceType, params, matches.map((resource) => resource.id)],
    );
    const candidates = rows.map((row) => presented(row.content));
    return request.includeRestrictions
      ? this.visible(candidates, request.includeRestrictions, q)
      : candidates;
  }

  /** Keeps the included resources the caller may see, asking the database per resource type. */
  private async visible(
    candidates: Resource[],
    restrictions: ReadonlyMap<string, AccessRestriction | 'all'>,
    q: Queryable,
  ): Promise<Resource[]> {
    const visibleIds = new Set<string>();
    for (const type of new Set(candidates.map((resource) => resource.resourceType))) {
      const restriction = restrictions.get(type);
      const ids = candidates.filter((resource) => resource.resourceType === type).map((r) => r.id!);
      if (restriction === 'all') {
        ids.forEach((id) => visibleIds.add(`${type}/${id}`));
      } else if (restriction) {
        const { matches } = await this.search(
          {
            resourceType: type,
            filters: [{ name: '_id', target: { kind: 'id' }, modifier: undefined, values: ids }],
            restrictedTo: restriction,
            count: ids.length,
            offset: 0,
            sort: [],
            include: [],
            total: 'none',
            ignored: [],
          },
          q,
        );
        matches.forEach((resource) => visibleIds.add(`${type}/${resource.id}`));
      }
    }
    return candidates.filter((resource) => visibleIds.has(`${resource.resourceType}/${resource.id}`));
  }

  /**
   * Every version of the resource $1/$2: the current one lives in resource, earlier ones in
   * resource_version (a write moves the version it replaces there).
   */
  private allVersions(): string {
    const columns = 'version_id, last_updated, deleted, content';
    return `SELECT ${columns} FROM ${this.schema}.resource WHERE resource_type = $1 AND id = $2
      UNION ALL
      SELECT ${columns} FROM ${this.schema}.resource_version WHERE resource_type = $1 AND id = $2`;
  }

  private existing(resourceType: string, id: string, row: VersionRow | undefined): Resource {
    if (!row) {
      throw notFound(`${resourceType}/${id} not found`);
    }
    if (row.deleted || !row.content) {
      throw gone(`${resourceType}/${id} was deleted`);
    }
    return presented(row.content);
  }

  /** The current version's number and deleted flag, locked until the transaction ends. */
  private async currentForUpdate(
    tx: Queryable,
    resourceType: string,
    id: string,
  ): Promise<Pick<VersionRow, 'version_id' | 'deleted'> | undefined> {
    const [current] = await tx.query<VersionRow>(
      `SELECT version_id, deleted FROM ${this.schema}.resource WHERE resource_type = $1 AND id = $2 FOR UPDATE`,
      [resourceType, id],
    );
    return current;
  }

  private async lockCurrent(
    tx: Queryable,
    resourceType: string,
    id: string,
  ): Promise<Pick<VersionRow, 'version_id' | 'deleted'>> {
    const current = await this.currentForUpdate(tx, resourceType, id);
    if (!current) {
      throw notFound(`${resourceType}/${id} not found; this server assigns ids on create`);
    }
    if (current.deleted) {
      throw gone(`${resourceType}/${id} was deleted`);
    }
    return current;
  }

  private async writeVersion<T extends Resource>(q: Queryable, resource: T, versionId: number): Promise<T> {
    const lastUpdated = new Date().toISOString();
    const stored = stamped(resource, versionId, lastUpdated);
    await this.writeRow(
      q,
      stored.resourceType,
      stored.id!,
      versionId,
      lastUpdated,
      stored,
      this.indexRows(stored),
    );
    return stored;
  }

  private indexRows(resource: Resource): IndexRows {
    const definition = this.definitions.get(resource.resourceType);
    if (!definition) {
      throw new Error(`No resource definition for ${resource.resourceType}`);
    }
    return indexRowsFor(resource, definition, this.baseUrl);
  }

  /**
   * One statement writes the new current version and its index rows, and on an update or a
   * delete first moves the version it replaces into resource_version and removes that version's
   * index rows (every part of a statement sees the rows as they were before it). A statement is
   * atomic on its own, so a create needs a single round trip and no explicit transaction.
   */
  private async writeRow(
    q: Queryable,
    resourceType: string,
    id: string,
    versionId: number,
    lastUpdated: string,
    content: Resource | null,
    rows: IndexRows,
  ): Promise<void> {
    const statement = writeStatement(this.schema, versionId > 1, rows);
    await q.query(
      statement.sql,
      [
        resourceType,
        id,
        versionId,
        lastUpdated,
        content === null,
        content === null ? null : JSON.stringify(content),
        ...statement.indexValues,
      ],
      statement.name,
    );
  }
}

const EMPTY_ROWS: IndexRows = { tokens: [], references: [], dates: [], strings: [] };

/** The resource as stored at versionId: resourceType, id and meta first, as FHIR JSON reads best. */
function stamped<T extends Resource>(resource: T, versionId: number, lastUpdated: string): T {
  const { resourceType, id, meta, ...rest } = resource;
  return {
    resourceType,
    id,
    meta: { ...meta, versionId: String(versionId), lastUpdated },
    ...rest,
  } as unknown as T;
}

/** JSONB reorders keys; put resourceType, id and meta first again, as FHIR JSON reads best. */
function presented<T extends Resource>(content: T): T {
  const { resourceType, id, meta, ...rest } = content;
  return { resourceType, id, meta, ...rest } as T;
}

function toIso(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}
