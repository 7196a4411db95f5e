import type { Express } from 'express';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { openDatabase } from '../db/open-database.js';
import { loadProfiles } from '../fhir/validation/profiles.js';
import { ResourceValidator } from '../fhir/validation/resource-validator.js';
import { ValueSetRegistry } from '../fhir/validation/value-set-registry.js';
import type { Logger } from '../logging/logger.js';
import { createApp } from './create-app.js';
import type { HostExtension } from './host-extension.js';
import type { ServiceModule } from './service-module.js';

/** Applies each service's migrations to its own schema. */
export async function migrateServices(db: Database, services: readonly ServiceModule[]): Promise<void> {
  for (const service of services) {
    await migrateSchema(db, service.schema, service.migrations);
  }
}

/** The validator every service shares: base R4, required bindings, PeerBridge profiles. */
export function createValidator(): ResourceValidator {
  return new ResourceValidator(ValueSetRegistry.fromR4(), loadProfiles());
}

export interface Host {
  readonly app: Express;
  readonly db: Database;
}

/** Opens the database, migrates, and builds the app for the given services. */
export async function hostServices(
  config: Config,
  logger: Logger,
  services: readonly ServiceModule[],
  isAcceptingTraffic?: () => boolean,
  extensions: readonly HostExtension[] = [],
): Promise<Host> {
  const db = await openDatabase(config);
  try {
    await migrateServices(db, services);
  } catch (error) {
    await db.close();
    throw error;
  }
  const app = createApp({
    config,
    db,
    logger,
    validator: createValidator(),
    services,
    isAcceptingTraffic,
    extensions,
  });
  return { app, db };
}
