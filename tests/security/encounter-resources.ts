import { expect } from '@jest/globals';
import type {
  Appointment,
  Communication,
  Encounter,
  Flag,
  Observation,
  Questionnaire,
  QuestionnaireResponse,
} from '@medplum/fhirtypes';
import { phq9Outcome, phq9Response } from '../encounter/support/outcomes.js';
import { waitFor } from '../support/wait-for.js';
import { assignedCareTeam } from './care-team-resources.js';
import type { Admin } from './route-matrix-cases.js';

// The encounter data the route matrix calls routes on. Sessions change only through the
// encounter service's API, for a referral whose care team (with a peer supporter) the encounter
// service has heard of from the care-team service's events.

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

/** A session of the patient's referral, once the encounter service knows its care team. */
async function session(
  admin: Admin,
  patient: string,
  kind: 'planned' | 'logged',
): Promise<{ referralId: string; sessionId: string; appointment?: string; encounter?: string }> {
  const { referralId } = await assignedCareTeam(admin, patient);
  const body =
    kind === 'planned'
      ? { referralId, mode: 'phone', start: at(24), end: at(25) }
      : { referralId, mode: 'phone', start: at(-2), end: at(-1) };
  const path = kind === 'planned' ? '/api/encounter/sessions/planned' : '/api/encounter/sessions';
  // Until the care-team service's events reach the encounter service, the referral has no care
  // team there (404) or no peer supporter yet (409).
  const res = await waitFor(`a ${kind} session of referral ${referralId}`, async () => {
    const answer = await admin((agent) => agent.post(path).send(body));
    return answer.status === 201 ? answer : undefined;
  });
  return {
    referralId,
    sessionId: res.body.id,
    appointment: res.body.appointment?.reference,
    encounter: res.body.encounter?.reference,
  };
}

export async function plannedSession(admin: Admin, patient: string): Promise<Record<string, string>> {
  const { referralId, sessionId } = await session(admin, patient, 'planned');
  return { referralId, sessionId };
}

/** A referral of the patient that sessions can be planned and logged for. */
export async function sessionReadyReferral(admin: Admin, patient: string): Promise<Record<string, string>> {
  return { referralId: (await session(admin, patient, 'planned')).referralId };
}

export async function sessionAppointment(
  admin: Admin,
  patient: string,
): Promise<Appointment & { id: string }> {
  const { appointment } = await session(admin, patient, 'planned');
  const res = await admin((agent) => agent.get(`/fhir/${appointment}`));
  expect(res.status).toBe(200);
  return res.body;
}

export async function sessionEncounter(admin: Admin, patient: string): Promise<Encounter & { id: string }> {
  const { encounter } = await session(admin, patient, 'logged');
  const res = await admin((agent) => agent.get(`/fhir/${encounter}`));
  expect(res.status).toBe(200);
  return res.body;
}

export function sessionBody(made: Record<string, string>, when: 'future' | 'past'): Record<string, unknown> {
  return when === 'future'
    ? { referralId: made.referralId, mode: 'in-person', start: at(48), end: at(49) }
    : { referralId: made.referralId, mode: 'in-person', start: at(-4), end: at(-3) };
}

/** A PHQ-9 QuestionnaireResponse of the patient, as a FHIR client POSTs it (scored: item 9 = 0). */
export function outcomeResponse(patient: string): QuestionnaireResponse {
  return phq9Response(`Patient/${patient}`, 5);
}

/** A scored QuestionnaireResponse of the patient, created through /fhir. */
export async function storedOutcomeResponse(
  admin: Admin,
  patient: string,
): Promise<QuestionnaireResponse & { id: string }> {
  const res = await admin((agent) =>
    agent.post('/fhir/QuestionnaireResponse').send(outcomeResponse(patient)),
  );
  expect(res.status).toBe(201);
  return res.body;
}

/** The total-score Observation of a scored response of the patient. */
export async function outcomeScore(admin: Admin, patient: string): Promise<Observation & { id: string }> {
  const response = await storedOutcomeResponse(admin, patient);
  const res = await admin((agent) =>
    agent.get(
      `/fhir/Observation?derived-from=QuestionnaireResponse/${response.id}&code=http://loinc.org|44261-6`,
    ),
  );
  expect(res.body.total).toBe(1);
  return res.body.entry[0].resource;
}

/** A published instrument: the same for every patient (Questionnaire is in no compartment). */
export async function instrument(admin: Admin): Promise<Questionnaire & { id: string }> {
  const res = await admin((agent) => agent.get('/fhir/Questionnaire/phq-9'));
  expect(res.status).toBe(200);
  return res.body;
}

/** A safety flag on the patient, raised by the program (no care team needed: coordinators are alerted). */
async function raisedSafetyFlag(admin: Admin, patient: string): Promise<{ flagId: string; alert: string }> {
  const res = await admin((agent) =>
    agent
      .post('/api/encounter/safety-flags')
      .send({ patient: `Patient/${patient}`, description: 'Route matrix concern' }),
  );
  expect(res.status).toBe(201);
  return { flagId: res.body.id, alert: res.body.alert.reference };
}

export async function safetyFlagOf(admin: Admin, patient: string): Promise<Record<string, string>> {
  return { flagId: (await raisedSafetyFlag(admin, patient)).flagId };
}

export async function safetyFlagResource(admin: Admin, patient: string): Promise<Flag & { id: string }> {
  const { flagId } = await raisedSafetyFlag(admin, patient);
  const res = await admin((agent) => agent.get(`/fhir/Flag/${flagId}`));
  expect(res.status).toBe(200);
  return res.body;
}

/** A patient with an outcome recorded through recordOutcome, for the trend. */
export async function patientWithOutcome(admin: Admin, patient: string): Promise<Record<string, string>> {
  const { referralId } = await sessionReadyReferral(admin, patient);
  const res = await admin((agent) => agent.post('/api/encounter/outcomes').send(phq9Outcome(referralId!, 5)));
  expect(res.status).toBe(201);
  return { patientId: patient };
}

export function outcomeBody(made: Record<string, string>): Record<string, unknown> {
  return phq9Outcome(made.referralId!, 5);
}

export async function safetyAlertResource(
  admin: Admin,
  patient: string,
): Promise<Communication & { id: string }> {
  const { alert } = await raisedSafetyFlag(admin, patient);
  const res = await admin((agent) => agent.get(`/fhir/${alert}`));
  expect(res.status).toBe(200);
  return res.body;
}
