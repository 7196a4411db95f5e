import { describe, expect, it } from '@jest/globals';
import type { Encounter, Observation, QuestionnaireResponse, Task } from '@medplum/fhirtypes';
import {
  PEER_SERVICES_CODE,
  PEERBRIDGE_RESOURCE_SYSTEM,
  SESSION_PROCEDURE_SYSTEM,
  sessionProcedure,
  toEhrResource,
  updatedEhrTask,
  writeBackIdentifier,
} from './ehr-write-back-resource.js';

const EHR = 'https://ehr.example.org/fhir';
const context = { fhirBaseUrl: EHR, referrals: new Map([['ref-1', `${EHR}/ServiceRequest/sr-9`]]) };

const encounter: Encounter = {
  resourceType: 'Encounter',
  id: 'enc-1',
  meta: { versionId: '3', lastUpdated: '2026-12-01T10:00:00Z', profile: ['https://peerbridge.org/x'] },
  status: 'finished',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
  subject: { reference: `${EHR}/Patient/p-1`, display: 'A patient' },
  basedOn: [{ reference: 'ServiceRequest/ref-1' }],
  participant: [{ individual: { reference: 'PractitionerRole/role-7', display: 'Maria' } }],
  partOf: { reference: 'Encounter/group-1' },
  period: { start: '2026-12-01T09:00:00Z', end: '2026-12-01T10:00:00Z' },
};

describe('toEhrResource', () => {
  it("when a resource goes to the EHR, then PeerBridge's id and meta are gone and its identity is an identifier", () => {
    const mapped = toEhrResource(encounter, context);
    expect(mapped.id).toBeUndefined();
    expect(mapped.meta).toBeUndefined();
    expect(mapped.identifier).toEqual([{ system: PEERBRIDGE_RESOURCE_SYSTEM, value: 'Encounter/enc-1' }]);
    expect(writeBackIdentifier(mapped)).toEqual({
      system: PEERBRIDGE_RESOURCE_SYSTEM,
      value: 'Encounter/enc-1',
    });
  });

  it("when references point at the EHR's resources, at a referral from it, or at PeerBridge's own, then they become relative, the EHR's ServiceRequest, and logical", () => {
    const mapped = toEhrResource(encounter, context);
    expect(mapped.subject).toEqual({ reference: 'Patient/p-1', display: 'A patient' });
    expect(mapped.basedOn).toEqual([{ reference: 'ServiceRequest/sr-9' }]);
    expect(mapped.participant![0]!.individual).toEqual({
      display: 'Maria',
      type: 'PractitionerRole',
      identifier: { system: PEERBRIDGE_RESOURCE_SYSTEM, value: 'PractitionerRole/role-7' },
    });
    expect(mapped.partOf).toEqual({
      type: 'Encounter',
      identifier: { system: PEERBRIDGE_RESOURCE_SYSTEM, value: 'Encounter/group-1' },
    });
  });

  it('when a referral is not from this EHR, then a reference to it stays logical', () => {
    const mapped = toEhrResource({ ...encounter, basedOn: [{ reference: 'ServiceRequest/other' }] }, context);
    expect(mapped.basedOn).toEqual([
      {
        type: 'ServiceRequest',
        identifier: { system: PEERBRIDGE_RESOURCE_SYSTEM, value: 'ServiceRequest/other' },
      },
    ]);
  });

  it('when a QuestionnaireResponse goes to the EHR, then its single identifier is its PeerBridge identity', () => {
    const response: QuestionnaireResponse = {
      resourceType: 'QuestionnaireResponse',
      id: 'qr-1',
      status: 'completed',
    };
    expect(toEhrResource(response, context).identifier).toEqual({
      system: PEERBRIDGE_RESOURCE_SYSTEM,
      value: 'QuestionnaireResponse/qr-1',
    });
  });

  it("when a resource has identifiers of its own, then they are kept after PeerBridge's", () => {
    const observation: Observation = {
      resourceType: 'Observation',
      id: 'obs-1',
      identifier: [{ system: 'urn:other', value: 'x' }],
      status: 'final',
      code: { text: 'score' },
    };
    expect(toEhrResource(observation, context).identifier).toEqual([
      { system: PEERBRIDGE_RESOURCE_SYSTEM, value: 'Observation/obs-1' },
      { system: 'urn:other', value: 'x' },
    ]);
  });
});

describe('sessionProcedure', () => {
  it('when an attendee attended, then the Procedure is completed peer services based on the referral, in the session, by the peer supporter', () => {
    const mapped = toEhrResource(encounter, context);
    expect(sessionProcedure(mapped, 'enc-1')).toEqual({
      resourceType: 'Procedure',
      identifier: [{ system: SESSION_PROCEDURE_SYSTEM, value: 'enc-1' }],
      basedOn: [{ reference: 'ServiceRequest/sr-9' }],
      status: 'completed',
      code: { coding: [PEER_SERVICES_CODE], text: 'Peer support session' },
      subject: { reference: 'Patient/p-1', display: 'A patient' },
      encounter: {
        type: 'Encounter',
        identifier: { system: PEERBRIDGE_RESOURCE_SYSTEM, value: 'Encounter/enc-1' },
      },
      performedPeriod: encounter.period,
      performer: [{ actor: mapped.participant![0]!.individual }],
    });
  });

  it('when an attendee was absent (a cancelled Encounter), then the Procedure is not-done', () => {
    expect(
      sessionProcedure({ ...toEhrResource(encounter, context), status: 'cancelled' }, 'enc-1').status,
    ).toBe('not-done');
  });
});

describe('updatedEhrTask', () => {
  it("when PeerBridge's Task moves on, then the EHR's Task takes its status and businessStatus and keeps the rest", () => {
    const ehrTask: Task = {
      resourceType: 'Task',
      id: 't-1',
      status: 'requested',
      intent: 'order',
      owner: { reference: 'Organization/program' },
      statusReason: { text: 'old' },
    };
    const peerbridge: Task = {
      resourceType: 'Task',
      status: 'in-progress',
      intent: 'order',
      businessStatus: { coding: [{ code: '5.1.4' }] },
      lastModified: '2026-12-02T10:00:00Z',
    };
    expect(updatedEhrTask(ehrTask, peerbridge)).toEqual({
      resourceType: 'Task',
      id: 't-1',
      status: 'in-progress',
      intent: 'order',
      owner: { reference: 'Organization/program' },
      businessStatus: { coding: [{ code: '5.1.4' }] },
      lastModified: '2026-12-02T10:00:00Z',
    });
  });
});
