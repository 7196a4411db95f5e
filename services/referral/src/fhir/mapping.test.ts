import { describe, expect, it } from '@jest/globals';
import type { ServiceRequest } from '@medplum/fhirtypes';
import { createValidator, OperationOutcomeError } from '@peerbridge/shared';
import { REFERRAL_STATUSES, type ReferralDetails } from '../domain/referral.js';
import {
  BSER_BUSINESS_STATUS_SYSTEM,
  CONTACTING_SUBJECT_PROHIBITED,
  PEER_SUPPORT_REFERRAL,
  PLACER_IDENTIFIER_TYPE,
} from './codes.js';
import { isPeerSupportReferral, referralDetailsFromServiceRequest, referralFromFhir } from './from-fhir.js';
import { SERVICE_REQUEST, TASK } from './resource-definitions.js';
import { omit } from './omit.js';
import { toFhirServiceRequest, toFhirTask } from './to-fhir.js';

const validator = createValidator();
const PROGRAM = 'Organization/peer-program';

const FULL: ReferralDetails = {
  patient: { reference: 'Patient/p-1', identifier: 'urn:oid:1.2.36.146.595.217.0.1|MRN-77' },
  requester: 'Practitioner/dr-1',
  program: 'Organization/other-program',
  reason: {
    text: 'Low mood after discharge',
    codes: [
      { system: 'http://snomed.info/sct', code: '35489007', display: 'Depressive disorder' },
      { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F32.9' },
    ],
    references: ['Condition/c-1'],
  },
  priority: 'urgent',
  preferredLanguage: 'es',
  preferredContact: { method: 'sms', time: 'Weekday evenings' },
  occurrence: { start: '2026-01-05', end: '2026-03-31' },
  consentReference: 'Consent/consent-1',
  doNotContact: true,
  notes: 'Prefers a peer with lived experience of psychosis.',
  placerIdentifier: { system: 'https://ehr.example.org/referrals', value: 'R-1001' },
};

const MINIMAL: ReferralDetails = {
  patient: { reference: 'https://ehr.example.org/fhir/Patient/123' },
  requester: 'Practitioner/dr-2',
  program: PROGRAM,
  reason: { text: 'Isolation', codes: [], references: [] },
  priority: 'routine',
  doNotContact: false,
};

function stored<T extends { id?: string }>(resource: T, id: string): T {
  return { ...resource, id, meta: { versionId: '1', lastUpdated: '2026-01-01T00:00:00.000Z' } };
}

describe('referral ↔ FHIR mapping', () => {
  it.each([
    ['every field', FULL],
    ['only required fields', MINIMAL],
  ])(
    'when a referral with %s is mapped, then the ServiceRequest and Task pass base R4 and their PeerBridge profiles',
    (_, details) => {
      const request = toFhirServiceRequest(details, 'requested', '2026-01-01T10:00:00Z');
      const task = toFhirTask(details, 'sr-1', 'requested', '2026-01-01T10:00:00Z');
      expect(() => validator.validate(request, SERVICE_REQUEST.profile)).not.toThrow();
      expect(() => validator.validate(task, TASK.profile)).not.toThrow();
    },
  );

  it.each(REFERRAL_STATUSES)('when the Task is %s, then both resources validate', (status) => {
    const request = toFhirServiceRequest(FULL, status, '2026-01-01T10:00:00Z');
    const task = toFhirTask(FULL, 'sr-1', status, '2026-01-01T10:00:00Z');
    expect(() => validator.validate(request, SERVICE_REQUEST.profile)).not.toThrow();
    expect(() => validator.validate(task, TASK.profile)).not.toThrow();
  });

  it('when a referral is mapped, then the ServiceRequest carries the standard codes and references', () => {
    const request = toFhirServiceRequest(FULL, 'requested', '2026-01-01T10:00:00Z');
    expect(request).toMatchObject({
      status: 'active',
      intent: 'order',
      priority: 'urgent',
      code: { coding: [PEER_SUPPORT_REFERRAL] },
      subject: {
        reference: 'Patient/p-1',
        identifier: { system: 'urn:oid:1.2.36.146.595.217.0.1', value: 'MRN-77' },
      },
      requester: { reference: 'Practitioner/dr-1' },
      performer: [{ reference: 'Organization/other-program' }],
      reasonReference: [{ reference: 'Condition/c-1' }],
      supportingInfo: [{ reference: 'Consent/consent-1' }],
      orderDetail: [{ coding: [CONTACTING_SUBJECT_PROHIBITED] }],
      occurrencePeriod: { start: '2026-01-05', end: '2026-03-31' },
      note: [{ text: FULL.notes }],
      identifier: [{ type: { coding: [PLACER_IDENTIFIER_TYPE] }, value: 'R-1001' }],
    });
  });

  it('when a referral is mapped, then the Task is a fulfil order focused on the ServiceRequest and owned by the program', () => {
    const task = toFhirTask(FULL, 'sr-9', 'requested', '2026-01-01T10:00:00Z');
    expect(task).toMatchObject({
      status: 'requested',
      intent: 'order',
      code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
      focus: { reference: 'ServiceRequest/sr-9' },
      for: { reference: 'Patient/p-1' },
      requester: { reference: 'Practitioner/dr-1' },
      owner: { reference: 'Organization/other-program' },
      businessStatus: { coding: [{ system: BSER_BUSINESS_STATUS_SYSTEM, code: '2.0' }] },
    });
    expect(task.statusReason).toBeUndefined();
  });

  it.each([
    ['every field', FULL],
    ['only required fields', MINIMAL],
  ])('when a referral with %s goes to FHIR and back, then nothing is lost', (_, details) => {
    const request = stored(toFhirServiceRequest(details, 'requested', '2026-01-01T10:00:00Z'), 'sr-1');
    const task = stored(toFhirTask(details, 'sr-1', 'requested', '2026-01-01T10:00:00Z'), 't-1');
    const referral = referralFromFhir(request, task, PROGRAM);
    expect(referral).toMatchObject({ ...details, id: 'sr-1', taskId: 't-1', status: 'requested' });
    expect(referralDetailsFromServiceRequest(request, PROGRAM)).toEqual(details);
  });

  it('when an EHR ServiceRequest has the peer support code, then it is recognised as a referral', () => {
    const request = toFhirServiceRequest(MINIMAL, 'requested', '2026-01-01T10:00:00Z');
    expect(isPeerSupportReferral(request)).toBe(true);
    expect(isPeerSupportReferral({ ...request, code: { text: 'Physiotherapy' } })).toBe(false);
  });

  it('when an EHR ServiceRequest names no program, then the default program owns it', () => {
    const request = omit(toFhirServiceRequest(MINIMAL, 'requested', '2026-01-01T10:00:00Z'), 'performer');
    expect(referralDetailsFromServiceRequest(request, 'Organization/default').program).toBe(
      'Organization/default',
    );
  });

  describe('when an EHR ServiceRequest cannot be a referral', () => {
    const base = toFhirServiceRequest(MINIMAL, 'requested', '2026-01-01T10:00:00Z');
    const cases: [string, ServiceRequest, number, string][] = [
      ['its intent is plan', { ...base, intent: 'plan' }, 422, 'ServiceRequest.intent'],
      [
        'its subject is a Group',
        { ...base, subject: { reference: 'Group/g-1' } },
        400,
        'ServiceRequest.subject.reference',
      ],
      [
        'its requester is missing',
        { ...base, requester: undefined },
        400,
        'ServiceRequest.requester.reference',
      ],
      [
        'a reason code has an unknown system',
        { ...base, reasonCode: [{ text: 'x', coding: [{ system: 'http://example.org/codes', code: '1' }] }] },
        400,
        'ServiceRequest.reasonCode[0].coding[0].system',
      ],
      ['it has no reason', { ...base, reasonCode: undefined }, 400, 'ServiceRequest.reasonCode'],
      ['its notes are too long', { ...base, note: [{ text: 'x'.repeat(2001) }] }, 400, 'ServiceRequest.note'],
    ];
    it.each(cases)('when %s, then the error points at the element', (_, request, status, expression) => {
      let error: unknown;
      try {
        referralDetailsFromServiceRequest(request, PROGRAM);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OperationOutcomeError);
      expect((error as OperationOutcomeError).status).toBe(status);
      expect((error as OperationOutcomeError).outcome.issue?.[0]?.expression).toEqual([expression]);
    });
  });
});
