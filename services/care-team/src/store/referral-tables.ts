import type { Queryable } from '@peerbridge/shared';

/** A referral as the referral service's events describe it (this service never reads its tables). */
export interface ReferralProjection {
  readonly id: string;
  readonly patient: string;
  readonly requester: string | undefined;
  readonly program: string | undefined;
  readonly status: string;
  readonly preferredLanguage: string | undefined;
  readonly contactTime: string | undefined;
  /** `system|code` of each reason code. */
  readonly reasonCodes: readonly string[];
}

interface Row {
  id: string;
  patient: string;
  requester: string | null;
  program: string | null;
  status: string;
  preferred_language: string | null;
  contact_time: string | null;
  reason_codes: string[];
}

export async function saveReferral(q: Queryable, referral: ReferralProjection): Promise<void> {
  await q.query(
    `INSERT INTO care_team.referral
       (id, patient, requester, program, status, preferred_language, contact_time, reason_codes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET patient = EXCLUDED.patient, requester = EXCLUDED.requester,
       program = EXCLUDED.program, status = EXCLUDED.status,
       preferred_language = EXCLUDED.preferred_language, contact_time = EXCLUDED.contact_time,
       reason_codes = EXCLUDED.reason_codes`,
    [
      referral.id,
      referral.patient,
      referral.requester ?? null,
      referral.program ?? null,
      referral.status,
      referral.preferredLanguage ?? null,
      referral.contactTime ?? null,
      referral.reasonCodes,
    ],
  );
}

export async function findReferral(
  q: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<ReferralProjection | undefined> {
  const [row] = await q.query<Row>(
    `SELECT id, patient, requester, program, status, preferred_language, contact_time, reason_codes
     FROM care_team.referral WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return (
    row && {
      id: row.id,
      patient: row.patient,
      requester: row.requester ?? undefined,
      program: row.program ?? undefined,
      status: row.status,
      preferredLanguage: row.preferred_language ?? undefined,
      contactTime: row.contact_time ?? undefined,
      reasonCodes: row.reason_codes,
    }
  );
}
