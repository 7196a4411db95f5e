import { describe, expect, it } from '@jest/globals';
import type { Questionnaire, QuestionnaireResponse } from '@medplum/fhirtypes';
import { defineResource } from '../resource-definition.js';
import { indexRowsFor } from './index-rows.js';

const BASE = 'https://pb.example';
const QUESTIONNAIRE = defineResource({
  type: 'Questionnaire',
  interactions: ['read'],
  searchParameters: ['url', 'name'],
});
const RESPONSE = defineResource({
  type: 'QuestionnaireResponse',
  interactions: ['read'],
  searchParameters: ['questionnaire', 'subject'],
});

describe('uri search parameters', () => {
  it('when a Questionnaire has a url, then it is indexed as written, case and all, for an exact match', () => {
    const rows = indexRowsFor(
      {
        resourceType: 'Questionnaire',
        status: 'active',
        url: 'https://PeerBridge.org/fhir/Questionnaire/phq-9',
        name: 'PHQ9',
      } as Questionnaire,
      QUESTIONNAIRE,
      BASE,
    );
    expect(rows.strings.filter((row) => row.param === 'url')).toEqual([
      {
        param: 'url',
        value: 'https://PeerBridge.org/fhir/Questionnaire/phq-9',
        normalized: 'https://PeerBridge.org/fhir/Questionnaire/phq-9',
      },
    ]);
    expect(rows.strings.filter((row) => row.param === 'name')).toEqual([
      { param: 'name', value: 'PHQ9', normalized: 'phq9' },
    ]);
  });

  it('when a Questionnaire has no url, then it has no uri row', () => {
    const rows = indexRowsFor({ resourceType: 'Questionnaire', status: 'active' }, QUESTIONNAIRE, BASE);
    expect(rows.strings).toEqual([]);
  });
});

describe('canonical references', () => {
  it('when a response names its questionnaire with a version, then both the versioned and the bare canonical are indexed', () => {
    const rows = indexRowsFor(
      {
        resourceType: 'QuestionnaireResponse',
        status: 'completed',
        questionnaire: 'https://peerbridge.org/fhir/Questionnaire/phq-9|1.0.0',
        subject: { reference: 'Patient/p-1' },
      } as QuestionnaireResponse,
      RESPONSE,
      BASE,
    );
    expect(rows.references).toEqual([
      { param: 'questionnaire', target: 'https://peerbridge.org/fhir/Questionnaire/phq-9|1.0.0' },
      { param: 'questionnaire', target: 'https://peerbridge.org/fhir/Questionnaire/phq-9' },
      { param: 'subject', target: 'Patient/p-1' },
    ]);
  });

  it('when a response names its questionnaire without a version, then one row holds it', () => {
    const rows = indexRowsFor(
      {
        resourceType: 'QuestionnaireResponse',
        status: 'completed',
        questionnaire: `${BASE}/fhir/Questionnaire/q-1`,
      } as QuestionnaireResponse,
      RESPONSE,
      BASE,
    );
    // On our own FHIR base a canonical reduces to Type/id, as a search value does.
    expect(rows.references).toEqual([{ param: 'questionnaire', target: 'Questionnaire/q-1' }]);
  });
});
