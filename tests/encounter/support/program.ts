import type { Task } from '@medplum/fhirtypes';
import { expect } from '@jest/globals';
import { fhirClient, type TestApp } from '../../support/test-app.js';
import { waitFor } from '../../support/wait-for.js';
import { referralBody } from '../../referral/support/fixtures.js';
import { addToRoster } from '../../care-team/support/fixtures.js';

/**
 * A referral accepted, with `peerSupporter` assigned to its care team, once the encounter service
 * has heard of both (from the care-team service's events). Returns the referral id and patient.
 * `overrides` change the createReferral body (e.g. its patient or consent).
 */
export async function referralWithPeerSupporter(
  t: TestApp,
  peerSupporter: string,
  overrides: Record<string, unknown> = {},
): Promise<{ referralId: string; patient: string }> {
  const api = fhirClient(t);
  const created = await api.post('/api/referral/referrals').send(referralBody(overrides));
  expect(created.status).toBe(201);
  const referralId = created.body.id as string;
  await acceptAndStaff(t, referralId, peerSupporter);
  return { referralId, patient: created.body.patient.reference as string };
}

/** Accepts the referral and assigns `peerSupporter` to its care team, once the encounter service knows. */
export async function acceptAndStaff(t: TestApp, referralId: string, peerSupporter: string): Promise<void> {
  expect(
    (await fhirClient(t).post(`/api/referral/referrals/${referralId}/status`).send({ status: 'accepted' }))
      .status,
  ).toBe(200);
  await waitFor('the care team', async () => {
    const [row] = await t.db.query('SELECT 1 FROM care_team.care_team WHERE referral_id = $1', [referralId]);
    return row !== undefined;
  });
  const assigned = await fhirClient(t)
    .post(`/api/care-team/referrals/${referralId}/assignment`)
    .send({ peerSupporterId: peerSupporter });
  expect(assigned.status).toBe(200);
  await waitFor('the encounter service to know the care team', async () => {
    const [row] = await t.db.query<{ peer_supporter_id: string | null }>(
      'SELECT peer_supporter_id FROM encounter.care_team WHERE referral_id = $1',
      [referralId],
    );
    return row?.peer_supporter_id === peerSupporter;
  });
}

/**
 * A peer supporter (or, with `overrides`, another roster member) on the roster, once the
 * encounter service has heard of them.
 */
export async function peerSupporterKnownToSessions(
  t: TestApp,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const id = await addToRoster(t, overrides);
  await waitFor('the encounter service to know the peer supporter', async () => {
    const [row] = await t.db.query('SELECT 1 FROM encounter.roster_member WHERE practitioner_id = $1', [id]);
    return row !== undefined;
  });
  return id;
}

/** The referral's Task once its businessStatus is `code`. */
export async function taskWithBusinessStatus(t: TestApp, referralId: string, code: string): Promise<Task> {
  return waitFor(`the referral's Task at business status ${code}`, async () => {
    const res = await fhirClient(t).get(`/fhir/Task?focus=ServiceRequest/${referralId}`);
    const task = res.body.entry?.[0]?.resource as Task | undefined;
    return task?.businessStatus?.coding?.[0]?.code === code ? task : undefined;
  });
}

/** Once the encounter service has heard, from the referral service's events, whether the referral records consent. */
export async function consentKnownToSessions(
  t: TestApp,
  referralId: string,
  consent: boolean,
): Promise<void> {
  await waitFor("the encounter service to know the referral's consent", async () => {
    const [row] = await t.db.query<{ consent_reference: string | null }>(
      'SELECT consent_reference FROM encounter.referral_consent WHERE referral_id = $1',
      [referralId],
    );
    return row !== undefined && (row.consent_reference !== null) === consent;
  });
}
