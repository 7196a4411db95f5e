import { fileURLToPath } from 'node:url';

/** The contract, openapi/referral.yaml: the source of truth the API is validated against. */
export const REFERRAL_OPENAPI_PATH = fileURLToPath(
  new URL('../../../../openapi/referral.yaml', import.meta.url),
);
