import { fileURLToPath } from 'node:url';

/** The contract, openapi/encounter.yaml: the source of truth the API is validated against. */
export const ENCOUNTER_OPENAPI_PATH = fileURLToPath(
  new URL('../../../../openapi/encounter.yaml', import.meta.url),
);
