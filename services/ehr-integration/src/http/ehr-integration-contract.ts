import { fileURLToPath } from 'node:url';

/** The contract, openapi/ehr-integration.yaml: the source of truth the admin API is validated against. */
export const EHR_INTEGRATION_OPENAPI_PATH = fileURLToPath(
  new URL('../../../../openapi/ehr-integration.yaml', import.meta.url),
);
