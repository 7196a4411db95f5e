import type { Resource } from '@medplum/fhirtypes';
import type { Queryable } from '@peerbridge/shared';

/** A PeerBridge referral taken in from an EHR, as write-back knows it. */
export interface WriteBackReferral {
  readonly referralId: string;
  readonly connectionId: string;
  /** The EHR ServiceRequest's absolute URL. */
  readonly ehrServiceRequest: string;
  /** The EHR Task's absolute URL, when the referral came with one (task intake). */
  readonly ehrTask: string | undefined;
  /** The EHR Patient's absolute URL. */
  readonly patient: string;
  readonly consented: boolean;
}

interface ReferralRow {
  referral_id: string;
  connection_id: string;
  ehr_service_request: string;
  ehr_task: string | null;
  patient: string;
  consented: boolean;
}

const referralOf = (row: ReferralRow): WriteBackReferral => ({
  referralId: row.referral_id,
  connectionId: row.connection_id,
  ehrServiceRequest: row.ehr_service_request,
  ehrTask: row.ehr_task ?? undefined,
  patient: row.patient,
  consented: row.consented,
});

/** The EHR Task intake recorded for an EHR ServiceRequest (task intake only). */
export async function ehrTaskOfIntake(
  q: Queryable,
  connectionId: string,
  ehrServiceRequest: string,
): Promise<string | undefined> {
  const [row] = await q.query<{ ehr_task: string | null }>(
    `SELECT ehr_task FROM ehr_integration.intake_referral WHERE connection_id = $1 AND ehr_service_request = $2`,
    [connectionId, ehrServiceRequest],
  );
  return row?.ehr_task ?? undefined;
}

/**
 * Records (or refreshes) a referral taken in from an EHR; answers whether its consent changed, so
 * that the caller releases or withholds its session content.
 */
export async function saveWriteBackReferral(tx: Queryable, referral: WriteBackReferral): Promise<boolean> {
  const [before] = await tx.query<{ consented: boolean }>(
    'SELECT consented FROM ehr_integration.write_back_referral WHERE referral_id = $1 FOR UPDATE',
    [referral.referralId],
  );
  await tx.query(
    `INSERT INTO ehr_integration.write_back_referral
       (referral_id, connection_id, ehr_service_request, ehr_task, patient, consented)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (referral_id) DO UPDATE SET consented = EXCLUDED.consented`,
    [
      referral.referralId,
      referral.connectionId,
      referral.ehrServiceRequest,
      referral.ehrTask ?? null,
      referral.patient,
      referral.consented,
    ],
  );
  return before !== undefined && before.consented !== referral.consented;
}

export async function findWriteBackReferral(
  q: Queryable,
  referralId: string,
): Promise<WriteBackReferral | undefined> {
  const [row] = await q.query<ReferralRow>(
    'SELECT * FROM ehr_integration.write_back_referral WHERE referral_id = $1',
    [referralId],
  );
  return row && referralOf(row);
}

/** The EHR referrals of a patient (by the EHR Patient's absolute URL), oldest first. */
export async function writeBackReferralsOfPatient(
  q: Queryable,
  patient: string,
): Promise<WriteBackReferral[]> {
  const rows = await q.query<ReferralRow>(
    'SELECT * FROM ehr_integration.write_back_referral WHERE patient = $1 ORDER BY referral_id',
    [patient],
  );
  return rows.map(referralOf);
}

/**
 * Consent given: the referral's withheld session content becomes due. Consent withdrawn: what was
 * not yet delivered is withheld again (what the EHR already has stays there; PeerBridge cannot
 * take back what was disclosed with consent).
 */
export async function applyConsentToRows(
  tx: Queryable,
  referralId: string,
  consented: boolean,
  gatedTypes: readonly string[],
): Promise<void> {
  await tx.query(
    consented
      ? `UPDATE ehr_integration.write_back SET state = 'pending', pending_since = now(), next_attempt_at = now(),
           updated_at = now()
         WHERE referral_id = $1 AND state = 'withheld' AND resource_type = ANY($2::text[])`
      : `UPDATE ehr_integration.write_back SET state = 'withheld', pending_since = NULL, updated_at = now()
         WHERE referral_id = $1 AND state = 'pending' AND resource_type = ANY($2::text[])`,
    [referralId, gatedTypes],
  );
}

export interface WriteBackItem {
  readonly connectionId: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly version: number;
  /** The resource as the EHR is to get it. */
  readonly resource: Resource;
  readonly referralId: string | undefined;
  readonly withheld: boolean;
}

/**
 * Puts the newest version of a resource in line for the EHR. An older version than the row holds
 * changes nothing; a newer one replaces it (and gives a resource the EHR refused a fresh chance).
 */
export async function enqueueWriteBack(tx: Queryable, item: WriteBackItem): Promise<void> {
  await tx.query(
    `INSERT INTO ehr_integration.write_back AS row
       (connection_id, resource_type, resource_id, version, resource, referral_id, state, pending_since)
     VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7 = 'pending' THEN now() END)
     ON CONFLICT (connection_id, resource_type, resource_id) DO UPDATE SET
       version = EXCLUDED.version, resource = EXCLUDED.resource, referral_id = EXCLUDED.referral_id,
       state = EXCLUDED.state,
       pending_since = CASE WHEN EXCLUDED.state <> 'pending' THEN NULL
                            WHEN row.state = 'pending' THEN row.pending_since ELSE now() END,
       attempts = CASE WHEN row.state = 'dead' THEN 0 ELSE row.attempts END,
       next_attempt_at = CASE WHEN row.state = 'dead' THEN now() ELSE row.next_attempt_at END,
       outcome = NULL, updated_at = now()
     WHERE row.version < EXCLUDED.version`,
    [
      item.connectionId,
      item.resourceType,
      item.resourceId,
      item.version,
      JSON.stringify(item.resource),
      item.referralId ?? null,
      item.withheld ? 'withheld' : 'pending',
    ],
  );
}

/** A row claimed for delivery. */
export interface DueWriteBack {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly version: number;
  readonly resource: Resource;
  readonly referralId: string | undefined;
  readonly attempts: number;
  readonly ehrReference: string | undefined;
}

interface ClaimedRow {
  resource_type: string;
  resource_id: string;
  version: number;
  resource: Resource;
  referral_id: string | null;
  attempts: number;
  ehr_reference: string | null;
}

/** Leases the connection's oldest due row other than the one named by $2/$3 (none: ''); $1 connection, $4 lease. */
const CLAIM_NEXT = `UPDATE ehr_integration.write_back SET claimed_until = now() + make_interval(secs => $4)
  WHERE (connection_id, resource_type, resource_id) = (
    SELECT connection_id, resource_type, resource_id FROM ehr_integration.write_back
    WHERE connection_id = $1 AND state = 'pending' AND next_attempt_at <= now()
      AND (claimed_until IS NULL OR claimed_until < now())
      AND NOT (resource_type = $2 AND resource_id = $3)
    ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
  RETURNING resource_type, resource_id, version, resource, referral_id, attempts, ehr_reference`;

function dueWriteBack(row: ClaimedRow | undefined): DueWriteBack | undefined {
  return (
    row && {
      resourceType: row.resource_type,
      resourceId: row.resource_id,
      version: row.version,
      resource: row.resource,
      referralId: row.referral_id ?? undefined,
      attempts: row.attempts,
      ehrReference: row.ehr_reference ?? undefined,
    }
  );
}

/**
 * Claims the connection's oldest due row for `leaseSeconds`, with its newest version: a deliverer
 * that dies holding it delays it by the lease only, and no other deliverer sends it meanwhile (so
 * an older version in flight can never land after a newer one another deliverer sent).
 */
export async function claimNextWriteBack(
  q: Queryable,
  connectionId: string,
  leaseSeconds: number,
): Promise<DueWriteBack | undefined> {
  const [row] = await q.query<ClaimedRow>(
    CLAIM_NEXT,
    [connectionId, '', '', leaseSeconds],
    'ehr_integration_write_back_claim',
  );
  return dueWriteBack(row);
}

type RowKey = Pick<DueWriteBack, 'resourceType' | 'resourceId'>;

/**
 * The EHR has `version`: the row is done unless a newer version came meanwhile, which stays due.
 * A slower deliverer of an older version never moves delivered_version back. And the
 * connection's next due row is claimed for `leaseSeconds` and returned, in the same statement:
 * one round trip per write.
 */
export async function markDeliveredAndClaimNext(
  q: Queryable,
  connectionId: string,
  row: RowKey,
  version: number,
  ehrReference: string,
  leaseSeconds: number,
): Promise<DueWriteBack | undefined> {
  const [next] = await q.query<Partial<ClaimedRow>>(
    // set_config(…, true) is SET LOCAL: this statement's own transaction commits asynchronously
    // (it does not wait for its WAL flush, most of its time on a busy machine). A database crash
    // may lose the last few marks; those writes are sent again, and the conditional update makes
    // no second resource of them.
    `WITH asynchronous AS (SELECT set_config('synchronous_commit', 'off', true)),
     delivered AS (
       UPDATE ehr_integration.write_back SET
         state = CASE WHEN version = $5 AND state = 'pending' THEN 'delivered' ELSE state END,
         pending_since = CASE WHEN version = $5 AND state = 'pending' THEN NULL ELSE pending_since END,
         delivered_version = GREATEST(delivered_version, $5), delivered_at = now(), ehr_reference = $6,
         attempts = 0, claimed_until = NULL, last_error = NULL, updated_at = now()
       WHERE connection_id = $1 AND resource_type = $2 AND resource_id = $3),
     next AS (${CLAIM_NEXT})
     SELECT next.* FROM asynchronous LEFT JOIN next ON true`,
    [connectionId, row.resourceType, row.resourceId, leaseSeconds, version, ehrReference],
    'ehr_integration_write_back_delivered',
  );
  return next?.resource_type ? dueWriteBack(next as ClaimedRow) : undefined;
}

/** Not delivered this time: tried again at `retryAt`. `error` is a failure class, never a body. */
export async function markRetry(
  q: Queryable,
  connectionId: string,
  row: RowKey,
  retryAt: Date,
  error: string,
): Promise<void> {
  await q.query(
    `UPDATE ehr_integration.write_back SET attempts = attempts + 1, next_attempt_at = $4,
       claimed_until = NULL, last_error = $5, updated_at = now()
     WHERE connection_id = $1 AND resource_type = $2 AND resource_id = $3`,
    [connectionId, row.resourceType, row.resourceId, retryAt, error],
  );
}

/** Refused for good, with the EHR's OperationOutcome, unless a newer version came meanwhile. */
export async function markDead(
  q: Queryable,
  connectionId: string,
  row: RowKey,
  version: number,
  error: string,
  outcome: unknown,
): Promise<void> {
  await q.query(
    `UPDATE ehr_integration.write_back SET
       state = CASE WHEN version = $4 THEN 'dead' ELSE state END,
       pending_since = CASE WHEN version = $4 THEN NULL ELSE pending_since END,
       outcome = CASE WHEN version = $4 THEN $6::jsonb ELSE NULL END,
       attempts = attempts + 1, claimed_until = NULL, last_error = $5, updated_at = now()
     WHERE connection_id = $1 AND resource_type = $2 AND resource_id = $3`,
    [connectionId, row.resourceType, row.resourceId, version, error, JSON.stringify(outcome ?? null)],
  );
}

/** When delivery to a connection may resume, if it is paused. */
export async function pausedUntil(q: Queryable, connectionId: string): Promise<Date | undefined> {
  const [row] = await q.query<{ paused_until: Date | null }>(
    `SELECT paused_until FROM ehr_integration.write_back_connection
     WHERE connection_id = $1 AND paused_until > now()`,
    [connectionId],
  );
  return row?.paused_until ? new Date(row.paused_until) : undefined;
}

/** The EHR is failing: the connection's delivery pauses until `until`. */
export async function pauseConnection(
  q: Queryable,
  connectionId: string,
  until: Date,
  failure: string,
): Promise<void> {
  await q.query(
    `INSERT INTO ehr_integration.write_back_connection AS c
       (connection_id, paused_until, consecutive_failures, last_failure, last_failure_at)
     VALUES ($1, $2, 1, $3, now())
     ON CONFLICT (connection_id) DO UPDATE SET paused_until = EXCLUDED.paused_until,
       consecutive_failures = c.consecutive_failures + 1, last_failure = EXCLUDED.last_failure,
       last_failure_at = now()`,
    [connectionId, until, failure],
  );
}

/** How many times in a row delivery to the connection has failed (0 after a success). */
export async function consecutiveFailures(q: Queryable, connectionId: string): Promise<number> {
  const [row] = await q.query<{ consecutive_failures: number }>(
    'SELECT consecutive_failures FROM ehr_integration.write_back_connection WHERE connection_id = $1',
    [connectionId],
  );
  return row?.consecutive_failures ?? 0;
}

/**
 * Writes reached the EHR: the connection is healthy again. Once per delivery run rather than per
 * write, so that the connection's one row is not updated with every write.
 */
export async function connectionDelivered(q: Queryable, connectionId: string): Promise<void> {
  await q.query(
    `INSERT INTO ehr_integration.write_back_connection AS c (connection_id, last_delivery_at)
     VALUES ($1, now())
     ON CONFLICT (connection_id) DO UPDATE SET paused_until = NULL, consecutive_failures = 0,
       last_delivery_at = now()`,
    [connectionId],
  );
}
