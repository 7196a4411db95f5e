import { ENCOUNTER_OPENAPI_PATH } from '@peerbridge/encounter';
import { contractOf } from '../../support/openapi-contract.js';

export const { OPERATIONS, documentedResponses, exercised, expectContract, schemaErrors, openApiDocument } =
  contractOf(ENCOUNTER_OPENAPI_PATH);
