import { FHIR_STORE_MIGRATIONS, fhirRouter, Repositories, type ServiceModule } from '@peerbridge/shared';
import { QUESTIONNAIRE_RESPONSE } from '../../services/encounter/src/fhir/resource-definitions.js';

const SCHEMA = 'bench_plain';

/**
 * The outcome bench's baseline: QuestionnaireResponse served by the FHIR kit with its plain
 * create — the encounter service's own definition (same profile validated, same search indexes
 * written), without the scoring hook, so nothing is scored and no Observation or event is written.
 * It runs as a server of its own, because /fhir/QuestionnaireResponse in the real system always
 * scores a response to a PeerBridge instrument.
 */
export const plainQuestionnaireResponses: ServiceModule = {
  name: 'plain-questionnaire-responses',
  schema: SCHEMA,
  migrations: [FHIR_STORE_MIGRATIONS],
  resources: [QUESTIONNAIRE_RESPONSE],
  createRouter({ config, db, validator }) {
    const repositories = new Repositories({
      db,
      schema: SCHEMA,
      definitions: [QUESTIONNAIRE_RESPONSE],
      validator,
      baseUrl: config.publicBaseUrl,
    });
    return fhirRouter({
      baseUrl: config.publicBaseUrl,
      definitions: [QUESTIONNAIRE_RESPONSE],
      repositories,
      validator,
    });
  },
};
