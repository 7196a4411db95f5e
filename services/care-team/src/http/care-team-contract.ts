import { fileURLToPath } from 'node:url';

/** The contract, openapi/care-team.yaml: the source of truth the API is validated against. */
export const CARE_TEAM_OPENAPI_PATH = fileURLToPath(
  new URL('../../../../openapi/care-team.yaml', import.meta.url),
);
