import { randomUUID } from 'node:crypto';
import { fhirClient, type TestApp } from '../../support/test-app.js';
import { waitFor } from '../../support/wait-for.js';
import { referralBody } from '../../referral/support/fixtures.js';

export interface MatchingReferral {
  readonly id: string;
  readonly patient: string;
}

/**
 * A referral created and accepted through the referral service, once the care-team service has
 * learnt of it from its events (its care team is proposed, so it can be matched and assigned).
 */
export async function acceptedReferralFor(
  t: TestApp,
  wants: { patient?: string; preferredLanguage?: string; reasonCodes?: string[]; contactTime?: string } = {},
): Promise<MatchingReferral> {
  const patient = wants.patient ?? `Patient/${randomUUID()}`;
  const body = referralBody({
    patient: { reference: patient },
    ...(wants.preferredLanguage ? { preferredLanguage: wants.preferredLanguage } : {}),
    reason: {
      text: 'Reasons as the EHR coded them',
      codes: (wants.reasonCodes ?? []).map((token) => {
        const [system, code] = token.split('|');
        return { system, code };
      }),
    },
    preferredContact: { method: 'phone', ...(wants.contactTime ? { time: wants.contactTime } : {}) },
  });
  const created = await fhirClient(t).post('/api/referral/referrals').send(body);
  if (created.status !== 201) {
    throw new Error(`createReferral answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
  await moveReferral(t, created.body.id, 'accepted');
  await waitForCareTeam(t, created.body.id, patient, 'proposed');
  return { id: created.body.id as string, patient };
}

/** Moves a referral on through the referral service (its events reach the care-team service). */
export async function moveReferral(t: TestApp, referralId: string, status: string): Promise<void> {
  const moved = await fhirClient(t).post(`/api/referral/referrals/${referralId}/status`).send({ status });
  if (moved.status !== 200) {
    throw new Error(
      `moving ${referralId} to ${status} answered ${moved.status}: ${JSON.stringify(moved.body)}`,
    );
  }
}

/** Waits until the care-team service shows the referral's care team with the given status. */
export function waitForCareTeam(t: TestApp, referralId: string, patient: string, status: string) {
  return waitFor(`care team of ${referralId} ${status}`, async () => {
    const res = await fhirClient(t).get('/api/care-team/care-teams').query({ patient, status });
    return (res.body.items as { referralId: string }[] | undefined)?.find(
      (team) => team.referralId === referralId,
    );
  });
}
