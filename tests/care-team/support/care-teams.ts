import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import type { Bundle, CareTeam, Resource } from '@medplum/fhirtypes';
import { referralBody } from '../../referral/support/fixtures.js';
import { expectValidFhir } from '../../referral/support/fhir-validation.js';
import { fhirClient, type TestApp } from '../../support/test-app.js';
import { waitFor } from '../../support/wait-for.js';

export const REFERRAL_SYSTEM = 'https://peerbridge.org/fhir/sid/referral';

export interface TeamOfReferral {
  readonly referralId: string;
  readonly careTeamId: string;
  readonly patient: string;
}

/**
 * A referral for `patient` (a new one by default) by `requester`, accepted through the referral
 * service, once the care-team service has proposed its CareTeam from the event.
 */
export async function acceptedReferral(
  t: TestApp,
  options: { patient?: string; requester?: string } = {},
): Promise<TeamOfReferral> {
  const patient = options.patient ?? `Patient/${randomUUID()}`;
  const created = await fhirClient(t)
    .post('/api/referral/referrals')
    .send(
      referralBody({
        patient: { reference: patient },
        ...(options.requester ? { requester: { reference: options.requester } } : {}),
      }),
    );
  expect(created.status).toBe(201);
  const referralId = created.body.id as string;
  await moveReferral(t, referralId, 'accepted');
  const team = await careTeamOf(t, referralId, 'proposed');
  return { referralId, careTeamId: team.id!, patient };
}

export async function moveReferral(t: TestApp, referralId: string, status: string): Promise<void> {
  const res = await fhirClient(t).post(`/api/referral/referrals/${referralId}/status`).send({ status });
  expect(res.status).toBe(200);
}

/** The referral's CareTeam once it has the status (the event consumer works in the background). */
export function careTeamOf(t: TestApp, referralId: string, status: string): Promise<CareTeam> {
  return waitFor(`the care team of ${referralId} to be ${status}`, async () => {
    const res = await fhirClient(t)
      .get('/fhir/CareTeam')
      .query({ identifier: `${REFERRAL_SYSTEM}|${referralId}` });
    const team = res.body.entry?.[0]?.resource as CareTeam | undefined;
    return team?.status === status ? team : undefined;
  });
}

/** Assigns (program's token unless `authorization` is given); the response must be 200. */
export async function assign(
  t: TestApp,
  referralId: string,
  peerSupporterId: string,
  authorization?: string,
): Promise<void> {
  const res = await fhirClient(t, authorization ? { Authorization: authorization } : {})
    .post(`/api/care-team/referrals/${referralId}/assignment`)
    .send({ peerSupporterId });
  expect(res.status).toBe(200);
}

/** The ids of a searchset's matches (sorted) and of what it included (as Type/id, sorted); each valid. */
export function searchsetIds(bundle: Bundle): { matches: string[]; included: string[] } {
  expect(bundle.resourceType).toBe('Bundle');
  const entries = bundle.entry ?? [];
  for (const entry of entries) {
    expectValidFhir(entry.resource as Resource);
  }
  const of = (mode: string) =>
    entries.filter((entry) => entry.search?.mode === mode).map((entry) => entry.resource!);
  return {
    matches: of('match')
      .map((resource) => resource.id!)
      .sort(),
    included: of('include')
      .map((resource) => `${resource.resourceType}/${resource.id}`)
      .sort(),
  };
}
