import type { ExtractResource, Resource, ResourceType } from '@medplum/fhirtypes';
import type { AuthContext } from '../auth/auth-context.js';
import type { Audience, AudienceRule } from './audience.js';
import type { Redactions, RedactionRule } from './redaction.js';
import { RequestMemo } from './request-memo.js';
import { assertPermitted } from '../auth/require-permission.js';
import { ResourceAccess, type Grant } from '../auth/resource-access.js';
import type { ScopeAction } from '../auth/scopes.js';
import type { Database, Queryable } from '../db/database.js';
import { OperationOutcomeError } from '../errors/operation-outcome-error.js';
import type { ResourceDefinition } from '../fhir/resource-definition.js';
import type { SearchRequest } from '../fhir/search/search-request.js';
import type {
  CarryingEvent,
  NewResource,
  ResourceStore,
  SearchResult,
  StoredVersion,
} from '../fhir/store/resource-store.js';
import type { ResourceValidator } from '../fhir/validation/resource-validator.js';

export interface AccessOptions {
  /** The transaction to work in, when the caller holds one. */
  readonly q?: Queryable;
  /**
   * The permission this access is made under when it is part of an operation on an aggregate
   * (see Grant); by default the action on the resource's own type.
   */
  readonly partOf?: Grant;
}

export interface TypedSearchResult<T extends Resource> extends Omit<SearchResult, 'matches'> {
  readonly matches: T[];
}

/**
 * The one way into a service's FHIR resources, bound to one caller: every read, search and write,
 * from a REST handler, a FHIR handler or a worker, passes the caller's SMART scopes and patient
 * compartment here. Another patient's resource reads as not found (404) and cannot be written
 * (403); a search sees only what the caller may see, so pages and totals count nothing else.
 * Every write is validated against base R4 and the type's profile before it is stored. What a
 * read, vread, history or search returns (what `_include` adds too) passes the caller's
 * Redactions; what a write path reads (readForWrite) and returns is whole, so a write never
 * stores a redacted copy.
 */
export class Repository {
  constructor(
    readonly caller: AuthContext,
    private readonly db: Database,
    private readonly store: ResourceStore,
    private readonly definitions: ReadonlyMap<string, ResourceDefinition>,
    private readonly validator: ResourceValidator,
    private readonly baseUrl: string,
    private readonly audienceRule?: AudienceRule,
    private readonly redactionRule?: RedactionRule,
  ) {}

  /** What the service's rules and the handler look up about the caller, once (RequestMemo). */
  readonly memo = new RequestMemo();
  private audience: Promise<Audience> | undefined;
  private redactions: Promise<Redactions> | undefined;

  async read<K extends ResourceType>(
    type: K,
    id: string,
    options: AccessOptions = {},
  ): Promise<ExtractResource<K>> {
    const access = await this.access(type, 'r', options.partOf, options.q);
    const resource = await this.store.read(type, id, options.q);
    access.assertReadable(resource);
    return (await this.shown([resource], options.q))[0] as ExtractResource<K>;
  }

  /**
   * The current version of a resource the caller is about to change with `action`: 403 when it
   * is not theirs to write (a write to another patient's record is refused, not hidden), 404
   * when it does not exist, 410 when it was deleted.
   */
  async readForWrite<K extends ResourceType>(
    type: K,
    id: string,
    action: 'u' | 'd',
    options: AccessOptions = {},
  ): Promise<ExtractResource<K>> {
    const access = await this.access(type, action, options.partOf, options.q);
    const resource = await this.store.read(type, id, options.q);
    access.assertWritable(resource);
    return resource as ExtractResource<K>;
  }

  async vread<K extends ResourceType>(type: K, id: string, versionId: string): Promise<ExtractResource<K>> {
    const access = await this.access(type, 'r');
    const resource = await this.store.vread(type, id, versionId);
    access.assertReadable(resource);
    return (await this.shown([resource]))[0] as ExtractResource<K>;
  }

  /** A page of versions, newest first, and how many there are; 404 when any is not the caller's. */
  async history(
    type: ResourceType,
    id: string,
    count: number,
    offset: number,
  ): Promise<{ versions: StoredVersion[]; total: number }> {
    const access = await this.access(type, 'r');
    const [versions, total] = await Promise.all([
      this.store.history(type, id, count, offset),
      this.store.countVersions(type, id),
    ]);
    for (const version of versions) {
      if (version.resource) {
        access.assertReadable(version.resource);
      }
    }
    const shown = await this.shown(
      versions.flatMap((version) => (version.resource ? [version.resource] : [])),
    );
    return {
      versions: versions.map((version) =>
        version.resource ? { ...version, resource: shown.shift() } : version,
      ),
      total,
    };
  }

  async search<T extends Resource = Resource>(
    request: SearchRequest,
    options: AccessOptions = {},
  ): Promise<TypedSearchResult<T>> {
    const access = await this.access(request.resourceType, 's', options.partOf, options.q);
    const result = await this.store.search(access.restrictSearch(request, this.definitions), options.q);
    const [matches, included] = await Promise.all([
      this.shown(result.matches, options.q),
      this.shown(result.included, options.q),
    ]);
    return { ...result, matches, included } as TypedSearchResult<T>;
  }

  /**
   * Stores a new resource under a new id, or under `options.id` when the service chose one
   * (e.g. a roster member's Practitioner id, named by their sign-in's fhirUser); the service
   * makes sure it is unused.
   */
  async create<T extends Resource>(resource: T, options: AccessOptions & { id?: string } = {}): Promise<T> {
    const access = await this.access(resource.resourceType, 'c', options.partOf, options.q);
    access.assertWritable(resource);
    return this.store.create(this.valid(resource), options.q, options.id);
  }

  /**
   * New resources written together under ids the service chose (a QuestionnaireResponse and the
   * Observations derived from it), each checked and validated as `create` does, with the outbox
   * event that names and carries them when given: all are stored, in one statement, or none.
   */
  async createAll<T extends Resource>(
    entries: readonly NewResource<T>[],
    options: AccessOptions & { event?: CarryingEvent } = {},
  ): Promise<(T & { id: string })[]> {
    for (const { resource } of entries) {
      const access = await this.access(resource.resourceType, 'c', options.partOf, options.q);
      access.assertWritable(resource);
      this.valid(resource);
    }
    return this.store.createAll(entries, options.q, options.event);
  }

  /**
   * FHIR conditional create of resource: `create` runs, in the transaction it is given, unless
   * the search (confined to what the caller may create) finds a match.
   */
  async conditionalCreate(
    request: SearchRequest,
    resource: Resource,
    create: (tx: Queryable) => Promise<Resource>,
  ): Promise<{ created: boolean; resource: Resource }> {
    const access = await this.access(request.resourceType, 'c');
    access.assertWritable(resource);
    return this.store.conditionalCreate(access.restrictSearch(request, this.definitions), create);
  }

  /**
   * Replaces the current version (412 when expectedVersion is given and is not current). Both
   * the version replaced and the new one must be the caller's to write.
   */
  async update<T extends Resource & { id: string }>(
    resource: T,
    expectedVersion?: number,
    options: AccessOptions = {},
  ): Promise<T> {
    const access = await this.access(resource.resourceType, 'u', options.partOf, options.q);
    access.assertWritable(resource);
    const valid = this.valid(resource);
    return this.within(options.q, async (tx) => {
      if (access.restriction) {
        access.assertWritable(await this.store.read(resource.resourceType, resource.id, tx));
      }
      return this.store.update(valid, expectedVersion, tx);
    });
  }

  /** Marks a resource deleted; deleting a deleted resource changes nothing. */
  async delete(type: ResourceType, id: string, options: AccessOptions = {}): Promise<void> {
    const access = await this.access(type, 'd', options.partOf, options.q);
    await this.within(options.q, async (tx) => {
      if (access.restriction) {
        const current = await this.store.read(type, id, tx).catch(alreadyDeleted);
        if (current) {
          access.assertWritable(current);
        }
      }
      await this.store.delete(type, id, tx);
    });
  }

  /** What the caller is shown of resources they may read: each through its type's Redaction. */
  private async shown(resources: Resource[], q?: Queryable): Promise<Resource[]> {
    if (!this.redactionRule || resources.length === 0) {
      return resources;
    }
    this.redactions ??= this.redactionRule(this.caller, q, this.memo);
    const redactions = await this.redactions;
    return resources.map((resource) => redactions.get(resource.resourceType)?.(resource) ?? resource);
  }

  /** Runs fn in one transaction; pass the Queryable it gets on as `q`. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  /** Validates once: the same object already validated (at the HTTP edge) is not checked again. */
  private valid<T extends Resource>(resource: T): T {
    const definition = this.definitionOf(resource.resourceType);
    this.validator.validateOnce(resource, definition.profile);
    return resource;
  }

  private within<T>(q: Queryable | undefined, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return q ? fn(q) : this.db.transaction(fn);
  }

  private async access(
    type: string,
    action: ScopeAction,
    partOf?: Grant,
    q?: Queryable,
  ): Promise<ResourceAccess> {
    const definition = this.definitionOf(type);
    const grant = partOf ?? { resourceType: type, action };
    if (!this.audienceRule) {
      return ResourceAccess.of(this.caller, definition, grant, this.baseUrl);
    }
    // The scopes first: a caller without the permission is refused before any query is made.
    assertPermitted(this.caller, grant.resourceType, grant.action);
    this.audience ??= this.audienceRule(this.caller, q, this.memo);
    return ResourceAccess.of(this.caller, definition, grant, this.baseUrl, await this.audience);
  }

  private definitionOf(type: string): ResourceDefinition {
    const definition = this.definitions.get(type);
    if (!definition) {
      // A programming error: a service reached for a type it does not own.
      throw new Error(`This repository holds no ${type}`);
    }
    return definition;
  }
}

/** Deleting a deleted resource changes nothing, whoever it belonged to. */
function alreadyDeleted(error: unknown): undefined {
  if (error instanceof OperationOutcomeError && error.status === 410) {
    return undefined;
  }
  throw error;
}
