import { createLogger, migrateServices, openDatabase, parseConfig } from '@peerbridge/shared';
import { ALL_SERVICES } from './services.js';

const config = parseConfig(process.env, { port: 8080 });
const logger = createLogger({ level: config.logLevel, service: 'migrate' });
const db = await openDatabase(config);
try {
  await migrateServices(db, ALL_SERVICES);
  logger.info('migrated', { schemas: ALL_SERVICES.map((service) => service.schema), database: db.kind });
} finally {
  await db.close();
}
