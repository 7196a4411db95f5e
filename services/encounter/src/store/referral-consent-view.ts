import type { Queryable } from '@peerbridge/shared';

/** What the referral service's events say about one referral's consent to share sessions. */
export interface ReferralConsentView {
  readonly referralId: string;
  /** `Patient/<id>`. */
  readonly patient: string;
  /** The Consent that records it, when the referral records consent. */
  readonly consentReference: string | undefined;
}

export async function saveReferralConsent(q: Queryable, view: ReferralConsentView): Promise<void> {
  await q.query(
    `INSERT INTO encounter.referral_consent (referral_id, patient, consent_reference) VALUES ($1, $2, $3)
     ON CONFLICT (referral_id) DO UPDATE SET patient = EXCLUDED.patient,
       consent_reference = EXCLUDED.consent_reference`,
    [view.referralId, view.patient, view.consentReference ?? null],
  );
}

/**
 * The referrals of a patient that record consent to share session information with the care
 * team. A referral this service has not heard of yet is not among them: it is treated as
 * without consent until its event arrives.
 */
export async function consentingReferralsOfPatient(q: Queryable, patient: string): Promise<string[]> {
  const rows = await q.query<{ referral_id: string }>(
    `SELECT referral_id FROM encounter.referral_consent
     WHERE patient = $1 AND consent_reference IS NOT NULL ORDER BY referral_id`,
    [patient],
  );
  return rows.map((row) => row.referral_id);
}
