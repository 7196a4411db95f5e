import type { AuthContext } from '../auth/auth-context.js';
import type { Database } from '../db/database.js';
import type { ResourceDefinition } from '../fhir/resource-definition.js';
import { ResourceStore } from '../fhir/store/resource-store.js';
import type { ResourceValidator } from '../fhir/validation/resource-validator.js';
import type { AudienceRule } from './audience.js';
import type { RedactionRule } from './redaction.js';
import { Repository } from './repository.js';
import { systemPrincipal } from './system-principal.js';

export interface RepositoriesOptions {
  readonly db: Database;
  /** The service's schema, holding its FHIR store tables. */
  readonly schema: string;
  readonly definitions: readonly ResourceDefinition[];
  readonly validator: ResourceValidator;
  readonly baseUrl: string;
  /** The service's own rule about whom its resources are for; system principals bypass it. */
  readonly audience?: AudienceRule;
  /** How much of each resource a caller is shown (see Redactions); system principals see all. */
  readonly redaction?: RedactionRule;
}

/**
 * A service's FHIR resources, handed out only as a Repository bound to a caller: the store
 * itself never leaves this object, so no handler or worker can reach it around the access rules.
 */
export class Repositories {
  private readonly store: ResourceStore;
  private readonly definitions: ReadonlyMap<string, ResourceDefinition>;

  constructor(private readonly options: RepositoriesOptions) {
    this.definitions = new Map(options.definitions.map((definition) => [definition.type, definition]));
    this.store = new ResourceStore(options.db, options.schema, this.definitions, options.baseUrl);
  }

  /** For a request: bound to the verified token's context. */
  forCaller(caller: AuthContext): Repository {
    const { db, validator, baseUrl, audience, redaction } = this.options;
    return new Repository(caller, db, this.store, this.definitions, validator, baseUrl, audience, redaction);
  }

  /** For a background worker, acting as the named system principal (see systemPrincipal). */
  forSystem(worker: string): Repository {
    const { db, validator, baseUrl } = this.options;
    return new Repository(systemPrincipal(worker), db, this.store, this.definitions, validator, baseUrl);
  }
}
