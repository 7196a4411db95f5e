import { CARE_TEAM_OPENAPI_PATH } from '@peerbridge/care-team';
import { contractOf } from '../../support/openapi-contract.js';

export const { OPERATIONS, documentedResponses, exercised, expectContract, schemaErrors, openApiDocument } =
  contractOf(CARE_TEAM_OPENAPI_PATH);
