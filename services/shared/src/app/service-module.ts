import type { Router } from 'express';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { MigrationSet } from '../db/migrate.js';
import type { EventBus } from '../events/event-bus.js';
import type { Workers } from '../events/service-workers.js';
import type { ResourceDefinition } from '../fhir/resource-definition.js';
import type { ResourceValidator } from '../fhir/validation/resource-validator.js';
import type { Logger } from '../logging/logger.js';

/** What every service gets from the process that hosts it. */
export interface ServiceContext {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
  readonly validator: ResourceValidator;
}

/** What a service's background workers get: the service context and the process's job queue. */
export interface WorkerContext extends ServiceContext {
  readonly bus: EventBus;
}

/**
 * A PeerBridge service as the host sees it: its schema and migrations, the FHIR resource types
 * it owns and a router serving them (under /fhir/<Type>) and its REST API (under /api/<name>/).
 * The same module runs alone or beside the others in one process.
 */
export interface ServiceModule {
  readonly name: string;
  readonly schema: string;
  readonly migrations: readonly MigrationSet[];
  readonly resources: readonly ResourceDefinition[];
  createRouter(context: ServiceContext): Router;
  /**
   * Writes the resources the service publishes (e.g. the encounter service's Questionnaires)
   * into its FHIR store, through a system Repository, after its migrations and before it serves:
   * idempotent, and safe when replicas start together.
   */
  seed?(context: ServiceContext): Promise<void>;
  /**
   * Its background workers (the relay of its outbox, its event consumers), which the host
   * starts with the service and stops on SIGTERM: the all-in-one process runs every service's,
   * a service run alone its own.
   */
  workers?(context: WorkerContext): Workers;
}
