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

const PATIENT = defineResource({
  type: 'Patient',
  interactions: ['read'],
  searchParameters: [
    'active',
    'gender',
    'identifier',
    'telecom',
    'name',
    'address',
    'birthdate',
    'general-practitioner',
  ],
});
const ENCOUNTER = defineResource({
  type: 'Encounter',
  interactions: ['read'],
  searchParameters: ['class', 'type', 'date', 'subject'],
});
const OBSERVATION = defineResource({
  type: 'Observation',
  interactions: ['read'],
  searchParameters: ['value-date', 'value-string', 'subject'],
});

describe('token search parameters', () => {
  it('when a Patient has a boolean, a code and identifiers, then each is a token row, systems kept or null', () => {
    const rows = indexRowsFor(
      {
        resourceType: 'Patient',
        active: false,
        gender: 'female',
        identifier: [{ system: 'urn:mrn', value: '42' }, { value: 'no-system' }, { system: 'urn:empty' }],
        telecom: [{ system: 'phone', value: '555' }],
      },
      PATIENT,
      BASE,
    );
    expect(rows.tokens).toEqual([
      { param: 'active', system: null, code: 'false' },
      { param: 'gender', system: null, code: 'female' },
      { param: 'identifier', system: 'urn:mrn', code: '42' },
      { param: 'identifier', system: null, code: 'no-system' },
    ]);
    expect([rows.references, rows.dates, rows.strings]).toEqual([[], [], []]);
  });

  it('when an Encounter has a Coding and CodeableConcepts, then each coding with a code is a token row', () => {
    const rows = indexRowsFor(
      {
        resourceType: 'Encounter',
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        type: [
          {
            coding: [
              { system: 'http://snomed.info/sct', code: '1' },
              { code: '2' },
              { system: 'urn:no-code' },
            ],
          },
          { text: 'text only' },
        ],
      },
      ENCOUNTER,
      BASE,
    );
    expect(rows.tokens).toEqual([
      { param: 'class', system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      { param: 'type', system: 'http://snomed.info/sct', code: '1' },
      { param: 'type', system: null, code: '2' },
    ]);
  });

  it('when a Coding has no code, then it is not indexed', () => {
    const rows = indexRowsFor(
      { resourceType: 'Encounter', status: 'finished', class: { system: 'urn:x', display: 'x' } },
      ENCOUNTER,
      BASE,
    );
    expect(rows.tokens).toEqual([]);
  });
});

describe('string search parameters', () => {
  it('when a Patient has names and an address, then each part is a string row, normalized for search', () => {
    const rows = indexRowsFor(
      {
        resourceType: 'Patient',
        name: [
          {
            text: 'Dr. Zoë Brontë',
            family: 'Brontë',
            given: ['Zoë', 'Anne'],
            prefix: ['Dr.'],
            suffix: ['PhD'],
          },
        ],
        address: [
          {
            text: '1 Main St',
            line: ['1 Main St', 'Apt 2'],
            city: 'Springfield',
            district: 'Greene',
            state: 'MO',
            postalCode: '65801',
            country: 'US',
            use: 'home',
          },
        ],
      },
      PATIENT,
      BASE,
    );
    expect(rows.strings.map(({ param, value, normalized }) => `${param}:${value}:${normalized}`)).toEqual([
      'name:Dr. Zoë Brontë:dr. zoe bronte',
      'name:Brontë:bronte',
      'name:Zoë:zoe',
      'name:Anne:anne',
      'name:Dr.:dr.',
      'name:PhD:phd',
      'address:1 Main St:1 main st',
      'address:1 Main St:1 main st',
      'address:Apt 2:apt 2',
      'address:Springfield:springfield',
      'address:Greene:greene',
      'address:MO:mo',
      'address:65801:65801',
      'address:US:us',
    ]);
  });

  it('when an Observation has a string value, then it is one string row', () => {
    const rows = indexRowsFor(
      { resourceType: 'Observation', status: 'final', code: {}, valueString: 'Ça Va' },
      OBSERVATION,
      BASE,
    );
    expect(rows.strings).toEqual([{ param: 'value-string', value: 'Ça Va', normalized: 'ca va' }]);
  });
});

describe('date search parameters', () => {
  it('when a Patient has a birth date, then it is indexed as the whole day', () => {
    const rows = indexRowsFor({ resourceType: 'Patient', birthDate: '1990-05-17' }, PATIENT, BASE);
    expect(rows.dates).toEqual([
      { param: 'birthdate', low: '1990-05-17T00:00:00.000Z', high: '1990-05-17T23:59:59.999Z' },
    ]);
  });

  it('when an Encounter has a Period, then it is indexed from its start to its end', () => {
    const rows = indexRowsFor(
      {
        resourceType: 'Encounter',
        status: 'finished',
        class: {},
        period: { start: '2024-03', end: '2024-03-05' },
      },
      ENCOUNTER,
      BASE,
    );
    expect(rows.dates).toEqual([
      { param: 'date', low: '2024-03-01T00:00:00.000Z', high: '2024-03-05T23:59:59.999Z' },
    ]);
  });

  it('when a Period has neither end, or a date is not a FHIR date, then no date row is written', () => {
    expect(
      indexRowsFor({ resourceType: 'Encounter', status: 'finished', class: {}, period: {} }, ENCOUNTER, BASE)
        .dates,
    ).toEqual([]);
    expect(
      indexRowsFor(
        { resourceType: 'Observation', status: 'final', code: {}, valueDateTime: 'not a date' },
        OBSERVATION,
        BASE,
      ).dates,
    ).toEqual([]);
  });

  it('when an Observation value is a dateTime, then it is indexed over its precision', () => {
    const rows = indexRowsFor(
      { resourceType: 'Observation', status: 'final', code: {}, valueDateTime: '2024-03-05T10:15' },
      OBSERVATION,
      BASE,
    );
    expect(rows.dates).toEqual([
      { param: 'value-date', low: '2024-03-05T10:15:00.000Z', high: '2024-03-05T10:15:59.999Z' },
    ]);
  });
});

describe('reference search parameters', () => {
  it('when references are relative, absolute on our base, elsewhere, contained or empty, then each is stored as search compares it', () => {
    const rows = indexRowsFor(
      {
        resourceType: 'Patient',
        generalPractitioner: [
          { reference: 'Practitioner/c-1/_history/2' },
          { reference: `${BASE}/fhir/Organization/o-1` },
          { reference: 'https://ehr.example/fhir/Practitioner/9' },
          { reference: '#contained' },
          { display: 'display only' },
        ],
      },
      PATIENT,
      BASE,
    );
    expect(rows.references).toEqual([
      { param: 'general-practitioner', target: 'Practitioner/c-1' },
      { param: 'general-practitioner', target: 'Organization/o-1' },
      { param: 'general-practitioner', target: 'https://ehr.example/fhir/Practitioner/9' },
    ]);
  });
});
