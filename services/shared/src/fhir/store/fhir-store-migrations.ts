import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '../../db/migrate.js';

/** The resource store's tables; each service applies them in its own schema. */
export const FHIR_STORE_MIGRATIONS: MigrationSet = {
  name: 'fhir_store',
  directory: fileURLToPath(new URL('../../../migrations/fhir-store', import.meta.url)),
};
