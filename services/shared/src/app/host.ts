import type { Express } from 'express';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { openDatabase } from '../db/open-database.js';
import { EventBus } from '../events/event-bus.js';
import type { Workers } from '../events/service-workers.js';
import { loadProfiles, publishedResources } from '../fhir/validation/profiles.js';
import { ResourceValidator } from '../fhir/validation/resource-validator.js';
import { ValueSetRegistry } from '../fhir/validation/value-set-registry.js';
import type { Logger } from '../logging/logger.js';
import { createApp } from './create-app.js';
import type { HostExtension } from './host-extension.js';
import type { ServiceContext, ServiceModule } from './service-module.js';

/** Applies each service's migrations to its own schema. */
export async function migrateServices(db: Database, services: readonly ServiceModule[]): Promise<void> {
  for (const service of services) {
    await migrateSchema(db, service.schema, service.migrations);
  }
}

/** Runs each service's seed (after migrating, before serving). */
export async function seedServices(
  services: readonly ServiceModule[],
  context: ServiceContext,
): Promise<void> {
  for (const service of services) {
    await service.seed?.(context);
  }
}

/** The validator every service shares: base R4, required bindings (R4's and PeerBridge's), PeerBridge profiles. */
export function createValidator(): ResourceValidator {
  const published = publishedResources().map(({ resource }) => resource);
  return new ResourceValidator(ValueSetRegistry.fromR4(published), loadProfiles());
}

/** Every hosted service's workers as one: started in order, stopped together. */
export function serviceWorkers(
  services: readonly ServiceModule[],
  context: ServiceContext & { bus: EventBus },
): Workers {
  const all = services.flatMap((service) => (service.workers ? [service.workers(context)] : []));
  return {
    async start() {
      for (const workers of all) {
        await workers.start();
      }
    },
    async stop() {
      await Promise.all(all.map((workers) => workers.stop()));
    },
  };
}

export interface Host {
  readonly app: Express;
  readonly db: Database;
  readonly bus: EventBus;
  readonly workers: Workers;
}

/** Opens the database, migrates, starts the job queue, and builds the app and the workers. */
export async function hostServices(
  config: Config,
  logger: Logger,
  services: readonly ServiceModule[],
  isAcceptingTraffic?: () => boolean,
  extensions: readonly HostExtension[] = [],
): Promise<Host> {
  const db = await openDatabase(config);
  let bus: EventBus;
  try {
    await migrateServices(db, services);
    bus = await EventBus.start({ db, config, logger });
  } catch (error) {
    await db.close();
    throw error;
  }
  const validator = createValidator();
  try {
    await seedServices(services, { config, db, logger, validator });
  } catch (error) {
    await bus.stop(5000);
    await db.close();
    throw error;
  }
  const app = createApp({
    config,
    db,
    logger,
    validator,
    services,
    isAcceptingTraffic,
    extensions,
    eventBus: bus,
  });
  const workers = serviceWorkers(services, { config, db, logger, validator, bus });
  return { app, db, bus, workers };
}
