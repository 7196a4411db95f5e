import { REFERRAL_OPENAPI_PATH } from '@peerbridge/referral';
import { contractOf } from '../../support/openapi-contract.js';

export const { OPERATIONS, documentedResponses, exercised, expectContract, schemaErrors, openApiDocument } =
  contractOf(REFERRAL_OPENAPI_PATH);
