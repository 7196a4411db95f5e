import { expect } from '@jest/globals';
import type { Bundle, CareTeam, Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import { referralBody } from '../referral/support/fixtures.js';
import { REFERRAL_SYSTEM } from '../care-team/support/care-teams.js';
import { peerSupporterBody } from '../care-team/support/fixtures.js';
import { waitFor } from '../support/wait-for.js';
import type { Admin } from './route-matrix-cases.js';

// The care-team data the route matrix calls routes on. The care-team service's resources change
// only through its domain: roster members through its REST API, a CareTeam when the referral
// service's `referral.accepted` event reaches the care-team service's consumer.

/** A new roster member (a certified peer supporter unless `overrides` say otherwise); their id. */
export async function rosterMember(admin: Admin, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await admin((agent) =>
    agent.post('/api/care-team/peer-supporters').send(peerSupporterBody(overrides)),
  );
  expect(res.status).toBe(201);
  return res.body.id as string;
}

export async function rosterPractitioner(admin: Admin): Promise<Practitioner & { id: string }> {
  const id = await rosterMember(admin);
  const res = await admin((agent) => agent.get(`/fhir/Practitioner/${id}`));
  expect(res.status).toBe(200);
  return res.body;
}

export async function rosterPractitionerRole(admin: Admin): Promise<PractitionerRole & { id: string }> {
  const id = await rosterMember(admin);
  const res = await admin((agent) => agent.get(`/fhir/PractitionerRole?practitioner=Practitioner/${id}`));
  const [entry] = (res.body as Bundle<PractitionerRole & { id: string }>).entry ?? [];
  return entry!.resource!;
}

/**
 * A referral for the patient, accepted through the referral service, once the care-team
 * service has proposed its CareTeam.
 */
export async function acceptedReferral(
  admin: Admin,
  patient: string,
): Promise<{ referralId: string; careTeam: CareTeam & { id: string } }> {
  const created = await admin((agent) =>
    agent
      .post('/api/referral/referrals')
      .send(referralBody({ patient: { reference: `Patient/${patient}` } })),
  );
  expect(created.status).toBe(201);
  const referralId = created.body.id as string;
  const accepted = await admin((agent) =>
    agent.post(`/api/referral/referrals/${referralId}/status`).send({ status: 'accepted' }),
  );
  expect(accepted.status).toBe(200);
  const careTeam = await waitFor(`the care team of referral ${referralId}`, async () => {
    const res = await admin((agent) =>
      agent.get('/fhir/CareTeam').query({ identifier: `${REFERRAL_SYSTEM}|${referralId}` }),
    );
    return (res.body as Bundle<CareTeam & { id: string }>).entry?.[0]?.resource;
  });
  return { referralId, careTeam };
}

/** An accepted referral of the patient whose care team has a (new) peer supporter on it. */
export async function assignedCareTeam(
  admin: Admin,
  patient: string,
): Promise<{ referralId: string; careTeamId: string; peerSupporterId: string }> {
  const { referralId, careTeam } = await acceptedReferral(admin, patient);
  const peerSupporterId = await rosterMember(admin);
  const assigned = await admin((agent) =>
    agent.post(`/api/care-team/referrals/${referralId}/assignment`).send({ peerSupporterId }),
  );
  expect(assigned.status).toBe(200);
  return { referralId, careTeamId: careTeam.id, peerSupporterId };
}
