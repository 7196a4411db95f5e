import type { Bundle, Resource } from '@medplum/fhirtypes';
import { PEERBRIDGE_RESOURCE_SYSTEM } from '@peerbridge/ehr-integration';
import type { ListeningTestApp } from '../../support/test-app.js';
import { seeder } from './write-back-host.js';

export * from './write-back-host.js';
export { acceptAndStaff } from '../../encounter/support/program.js';

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
