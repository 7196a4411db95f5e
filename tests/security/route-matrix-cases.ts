import type { Bundle, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { expect } from '@jest/globals';
import request from 'supertest';
import type { Express } from 'express';
import { ehrServiceRequest, referralBody } from '../referral/support/fixtures.js';
import { task } from '../support/fixtures.js';
import { peerSupporterBody } from '../care-team/support/fixtures.js';
import {
  acceptedReferral,
  assignedCareTeam,
  rosterMember,
  rosterPractitioner,
  rosterPractitionerRole,
} from './care-team-resources.js';
import { matrixConnection, patientCopy, writeBackDeadLetter } from './ehr-integration-resources.js';
import { referralFor } from './referral-resources.js';
import {
  instrument,
  outcomeBody,
  outcomeResponse,
  outcomeScore,
  patientWithOutcome,
  plannedSession,
  storedOutcomeResponse,
  safetyAlertResource,
  safetyFlagOf,
  safetyFlagResource,
  sessionAppointment,
  sessionBody,
  sessionEncounter,
  sessionReadyReferral,
} from './encounter-resources.js';

// What the route matrix (route-matrix.test.ts) needs to call each route on a given patient's
// data. The matrix takes its routes from the served OpenAPI documents and the services' resource
// definitions, and fails on a route that has no case here: a new route cannot skip the check.

/** Calls the app with an administrator's (system/*.*) token. */
export type Admin = (test: (agent: ReturnType<typeof request>) => request.Test) => Promise<request.Response>;

export function adminOf(app: Express, authorization: string): Admin {
  return (test) => test(request(app)).set('Authorization', authorization);
}

async function created<T extends Resource>(admin: Admin, resource: T): Promise<T & { id: string }> {
  const res = await admin((agent) => agent.post(`/fhir/${resource.resourceType}`).send(resource));
  expect(res.status).toBe(201);
  return res.body;
}

async function referralTask(admin: Admin, serviceRequest: ServiceRequest): Promise<Task & { id: string }> {
  const res = await admin((agent) => agent.get(`/fhir/Task?focus=ServiceRequest/${serviceRequest.id}`));
  const [entry] = (res.body as Bundle<Task & { id: string }>).entry ?? [];
  return entry!.resource!;
}

/**
 * One instance of a resource type, made for a patient. `ownDelete` is what deleting it answers
 * to its own patient, for a type that can be deleted: a referral's resources are never deleted
 * (409), others are (204).
 */
export interface InstanceCase {
  readonly variant: string;
  readonly ownDelete?: 204 | 409;
  make(admin: Admin, patient: string): Promise<Resource & { id: string }>;
}

export interface TypeCase {
  /**
   * A new resource of the type in the patient's compartment, as a client would create it; for a
   * type without FHIR create, a made instance is posted instead (and must be refused).
   */
  body?(patient: string, admin: Admin): Promise<Resource>;
  readonly instances: readonly InstanceCase[];
  /**
   * False for a type the R4 patient CompartmentDefinition leaves out (Practitioner,
   * PractitionerRole): a patient token sees none of it, even what was made "for" its patient.
   */
  readonly inPatientCompartment?: false;
}

export const FHIR_CASES: Readonly<Record<string, TypeCase>> = {
  ServiceRequest: {
    body: async (patient) => referralFor(patient),
    instances: [
      { variant: 'plain', ownDelete: 204, make: (admin, patient) => created(admin, referralFor(patient)) },
      {
        variant: 'referral',
        ownDelete: 409,
        make: (admin, patient) =>
          created(admin, ehrServiceRequest({ subject: { reference: `Patient/${patient}` } })),
      },
    ],
  },
  Task: {
    body: async (patient, admin) => {
      const focus = await created(admin, referralFor(patient));
      return task(`ServiceRequest/${focus.id}`, `Patient/${patient}`);
    },
    instances: [
      {
        variant: 'plain',
        ownDelete: 204,
        make: async (admin, patient) => {
          const focus = await created(admin, referralFor(patient));
          return created(admin, task(`ServiceRequest/${focus.id}`, `Patient/${patient}`));
        },
      },
      {
        variant: 'referral',
        ownDelete: 409,
        make: async (admin, patient) =>
          referralTask(
            admin,
            await created(admin, ehrServiceRequest({ subject: { reference: `Patient/${patient}` } })),
          ),
      },
    ],
  },
  // The care-team types are read-only on /fhir (their writes answer 405): instances are made
  // through the domain.
  CareTeam: {
    instances: [
      {
        variant: 'referral',
        make: async (admin, patient) => (await acceptedReferral(admin, patient)).careTeam,
      },
    ],
  },
  Practitioner: {
    inPatientCompartment: false,
    instances: [{ variant: 'roster', make: rosterPractitioner }],
  },
  PractitionerRole: {
    inPatientCompartment: false,
    instances: [{ variant: 'roster', make: rosterPractitionerRole }],
  },
  // The encounter service's types are read-only on /fhir too: sessions are made through its API.
  Encounter: { instances: [{ variant: 'session', make: sessionEncounter }] },
  Appointment: { instances: [{ variant: 'session', make: sessionAppointment }] },
  // The instruments are published, not patient data: no patient token sees them (R4 puts
  // Questionnaire in no compartment), user-level tokens read them; writes answer 405.
  Questionnaire: { inPatientCompartment: false, instances: [{ variant: 'instrument', make: instrument }] },
  // A QuestionnaireResponse is created on /fhir (scored like recordOutcome); its score
  // Observations are read-only, made by scoring it.
  QuestionnaireResponse: {
    body: async (patient) => outcomeResponse(patient),
    instances: [{ variant: 'outcome', make: storedOutcomeResponse }],
  },
  Observation: { instances: [{ variant: 'score', make: outcomeScore }] },
  // Safety flags and their alerts are raised through the encounter API (raiseSafetyConcern).
  Flag: { instances: [{ variant: 'safety', make: safetyFlagResource }] },
  Communication: { instances: [{ variant: 'safety-alert', make: safetyAlertResource }] },
  // The ehr-integration service's patient copies are read-only on /fhir (the EHR is their
  // source): instances are made as intake makes them.
  Patient: { instances: [{ variant: 'ehr-copy', make: patientCopy }] },
};

/**
 * One REST operation: how to call it on a patient's data and what it answers to that patient.
 * `setup` makes the data its path parameters name (and the query and body may use); list
 * operations narrow by patient in `query`.
 */
export interface OperationCase {
  /** What a patient token gets on its own patient's data. */
  readonly own: number;
  /** Program administration, not patient data: any patient token is refused (403). */
  readonly adminOnly?: boolean;
  /**
   * The program's events and EHR connections: besides patients, any user who is not an active
   * coordinator on the roster is refused (403), whatever their scopes.
   */
  readonly administration?: boolean;
  /**
   * Refused by the caller's role in the program (a care-team coordinator operation), not by the
   * token's scopes, which allow it: 403 without an insufficient_scope challenge, since no other
   * scope would help.
   */
  readonly refusedByRole?: boolean;
  /** What a user-level token gets, when it differs from `own`. */
  readonly user?: number;
  setup?(admin: Admin, patient: string): Promise<Record<string, string>>;
  query?(patient: string, made: Record<string, string>): Record<string, string>;
  body?(patient: string, made: Record<string, string>): Record<string, unknown>;
}

async function referralOf(admin: Admin, patient: string): Promise<Record<string, string>> {
  const res = await admin((agent) =>
    agent
      .post('/api/referral/referrals')
      .send(referralBody({ patient: { reference: `Patient/${patient}` } })),
  );
  expect(res.status).toBe(201);
  return { referralId: res.body.id };
}

export const REST_CASES: Readonly<Record<string, OperationCase>> = {
  createReferral: {
    own: 201,
    body: (patient) => referralBody({ patient: { reference: `Patient/${patient}` } }),
  },
  listReferrals: { own: 200, setup: referralOf, query: (patient) => ({ patient: `Patient/${patient}` }) },
  getReferral: { own: 200, setup: referralOf },
  changeReferralStatus: { own: 200, setup: referralOf, body: () => ({ status: 'accepted' }) },
  getReferralHistory: { own: 200, setup: referralOf },
  listDeadLetters: { own: 403, adminOnly: true, administration: true, user: 200 },
  replayDeadLetter: {
    own: 403,
    adminOnly: true,
    administration: true,
    // No such dead letter: the caller who may replay learns that, nobody else does.
    user: 404,
    setup: async () => ({ deadLetterId: '00000000-0000-4000-8000-000000000000' }),
  },

  // The ehr-integration admin API: program administration, on the matrix's one EHR connection.
  listConnections: { own: 403, adminOnly: true, administration: true, user: 200 },
  getConnectionStatus: {
    own: 403,
    adminOnly: true,
    administration: true,
    user: 200,
    setup: matrixConnection,
  },
  listWriteBackDeadLetters: {
    own: 403,
    adminOnly: true,
    administration: true,
    user: 200,
    setup: matrixConnection,
  },
  replayWriteBackDeadLetter: {
    own: 403,
    adminOnly: true,
    administration: true,
    user: 200,
    setup: writeBackDeadLetter,
  },
  replayAllWriteBackDeadLetters: {
    own: 403,
    adminOnly: true,
    administration: true,
    user: 200,
    setup: writeBackDeadLetter,
  },
  listRejectedIntake: { own: 403, adminOnly: true, administration: true, user: 200, setup: matrixConnection },

  // The care-team service. Running the program (the roster, suggestions, assignment) is for
  // coordinators only: a patient token is refused (403) whatever the data, the matrix's
  // user-level token (a coordinator's sign-in) is let through. The roster is nobody's patient
  // data, so a patient token finds no member (404), its own patient's care team or not.
  createPeerSupporter: {
    own: 403,
    adminOnly: true,
    refusedByRole: true,
    user: 201,
    body: () => peerSupporterBody(),
  },
  listPeerSupporters: { own: 403, adminOnly: true, refusedByRole: true, user: 200 },
  getPeerSupporter: { own: 404, user: 200, setup: peerSupporterOf },
  updatePeerSupporter: {
    own: 403,
    adminOnly: true,
    refusedByRole: true,
    user: 200,
    setup: peerSupporterOf,
    body: () => peerSupporterBody({ maxCaseload: 3 }),
  },
  deactivatePeerSupporter: {
    own: 403,
    adminOnly: true,
    refusedByRole: true,
    user: 200,
    setup: peerSupporterOf,
  },
  // The caseload of the peer supporter on the patient's care team: still only theirs to see.
  getCaseload: { own: 404, user: 200, setup: assignedCareTeam },
  suggestPeerSupporters: {
    own: 403,
    adminOnly: true,
    refusedByRole: true,
    user: 200,
    setup: async (admin, patient) => ({ referralId: (await acceptedReferral(admin, patient)).referralId }),
  },
  assignPeerSupporter: {
    own: 403,
    adminOnly: true,
    refusedByRole: true,
    user: 200,
    setup: async (admin, patient) => ({
      referralId: (await acceptedReferral(admin, patient)).referralId,
      peerSupporterId: await rosterMember(admin),
    }),
    body: (_, made) => ({ peerSupporterId: made.peerSupporterId }),
  },
  reassignPeerSupporter: {
    own: 403,
    adminOnly: true,
    refusedByRole: true,
    user: 200,
    setup: async (admin, patient) => ({
      ...(await assignedCareTeam(admin, patient)),
      nextPeerSupporterId: await rosterMember(admin),
    }),
    body: (_, made) => ({ peerSupporterId: made.nextPeerSupporterId }),
  },
  // Narrowed to the new peer supporter, so that the patient's own list holds exactly this team.
  listCareTeams: {
    own: 200,
    setup: assignedCareTeam,
    query: (patient, made) => ({ patient: `Patient/${patient}`, peerSupporter: made.peerSupporterId! }),
  },
  getCareTeam: {
    own: 200,
    setup: async (admin, patient) => ({ careTeamId: (await acceptedReferral(admin, patient)).careTeam.id }),
  },

  // The encounter service. Sessions are planned, logged and closed by peer supporters and the
  // program (a patient token is refused by its role); a patient reads its own sessions.
  planSession: {
    own: 403,
    adminOnly: true,
    refusedByRole: true,
    user: 201,
    setup: sessionReadyReferral,
    body: (_, made) => sessionBody(made, 'future'),
  },
  logSession: {
    own: 403,
    adminOnly: true,
    refusedByRole: true,
    user: 201,
    setup: sessionReadyReferral,
    body: (_, made) => sessionBody(made, 'past'),
  },
  listSessions: { own: 200, setup: plannedSession, query: (_, made) => ({ referral: made.referralId! }) },
  getSession: { own: 200, setup: plannedSession },
  cancelSession: {
    own: 403,
    adminOnly: true,
    refusedByRole: true,
    user: 200,
    setup: plannedSession,
    body: () => ({ reason: 'The patient asked to move it' }),
  },
  recordNoShow: { own: 403, adminOnly: true, refusedByRole: true, user: 200, setup: plannedSession },
  // Outcomes are recorded by the referral's peer supporter or the program (a patient token is
  // refused by its role); the trend of a patient is theirs to read, nobody else's (404).
  recordOutcome: {
    own: 403,
    adminOnly: true,
    refusedByRole: true,
    user: 201,
    setup: sessionReadyReferral,
    body: (_, made) => outcomeBody(made),
  },
  getOutcomeTrend: { own: 200, setup: patientWithOutcome, query: () => ({ instrument: 'phq-9' }) },
  // Safety flags: raised by peer supporters and the program, acknowledged and resolved by
  // clinicians and the program (a patient token is refused by its role); a patient lists its own.
  raiseSafetyConcern: {
    own: 403,
    adminOnly: true,
    refusedByRole: true,
    user: 201,
    body: (patient) => ({ patient: `Patient/${patient}`, description: 'Route matrix concern' }),
  },
  listSafetyFlags: {
    own: 200,
    setup: safetyFlagOf,
    query: (patient) => ({ patient: `Patient/${patient}` }),
  },
  acknowledgeSafetyFlag: { own: 403, adminOnly: true, refusedByRole: true, user: 200, setup: safetyFlagOf },
  resolveSafetyFlag: {
    own: 403,
    adminOnly: true,
    refusedByRole: true,
    user: 200,
    setup: safetyFlagOf,
    body: () => ({ reason: 'Route matrix resolution' }),
  },
};

async function peerSupporterOf(admin: Admin): Promise<Record<string, string>> {
  return { peerSupporterId: await rosterMember(admin) };
}
