import { expect } from '@jest/globals';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { PEERBRIDGE_RESOURCE_SYSTEM } from '@peerbridge/ehr-integration';
import { fhirClient, type ListeningTestApp } from '../../support/test-app.js';
import { waitFor } from '../../support/wait-for.js';
import { seeder } from './write-back-host.js';

export * from './write-back-host.js';

/** Accepts the referral and assigns `peerSupporter` to its care team, once the encounter service knows. */
export async function acceptAndStaff(
  t: ListeningTestApp,
  referralId: string,
  peerSupporter: string,
): Promise<void> {
  const accepted = await fhirClient(t)
    .post(`/api/referral/referrals/${referralId}/status`)
    .send({ status: 'accepted' });
  expect(accepted.status).toBe(200);
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

/** The EHR's resources of `type` carrying this PeerBridge identity (`Encounter/123`). */
export async function inEhr<T extends Resource>(
  t: ListeningTestApp,
  type: T['resourceType'],
  peerbridgeReference: string,
  system = PEERBRIDGE_RESOURCE_SYSTEM,
): Promise<T[]> {
  const bundle = (await seeder(t).search(type, {
    identifier: `${system}|${peerbridgeReference}`,
  })) as unknown as Bundle<T>;
  return (bundle.entry ?? []).map((entry) => entry.resource!);
}

/** The write-back rows of a connection, by `Type/id`. */
export async function writeBackRows(
  t: ListeningTestApp,
  connectionId: string,
): Promise<
  Map<
    string,
    { state: string; version: number; attempts: number; last_error: string | null; outcome: unknown }
  >
> {
  const rows = await t.db.query<{
    resource_type: string;
    resource_id: string;
    state: string;
    version: number;
    attempts: number;
    last_error: string | null;
    outcome: unknown;
  }>(
    `SELECT resource_type, resource_id, state, version, attempts, last_error, outcome
     FROM ehr_integration.write_back WHERE connection_id = $1`,
    [connectionId],
  );
  return new Map(rows.map((row) => [`${row.resource_type}/${row.resource_id}`, row]));
}
