import type { Queryable } from '../db/database.js';
import type { EventConsumer } from './event-consumer.js';
import { isCoordinatorRole, ROSTER_CHANGED, rosterRoleOf } from './roster-contract.js';

/** The consumer every service's workers run (eventWorkers adds it): see programCoordinators. */
export const PROGRAM_COORDINATORS_CONSUMER = 'program-coordinators';

/**
 * Keeps the service's copy of the program's coordinators (`<schema>.program_coordinator`) from
 * the care-team service's roster events: a member is an active coordinator while their
 * PractitionerRole is active and coded program-coordinator. A stale event changes nothing.
 */
export function programCoordinators(schema: string): EventConsumer {
  return {
    name: PROGRAM_COORDINATORS_CONSUMER,
    eventTypes: [ROSTER_CHANGED],
    async handle(tx, event, delivery) {
      const role = rosterRoleOf(event.resources ?? []);
      const practitionerId = role?.practitioner?.reference?.split('/').at(-1);
      if (!role || !practitionerId) {
        return;
      }
      const fresh = await delivery.isNewer({
        reference: `PractitionerRole/${role.id}`,
        versionId: role.meta!.versionId!,
      });
      if (fresh) {
        await tx.query(
          `INSERT INTO ${schema}.program_coordinator (practitioner_id, active) VALUES ($1, $2)
           ON CONFLICT (practitioner_id) DO UPDATE SET active = EXCLUDED.active`,
          [practitionerId, role.active === true && isCoordinatorRole(role)],
        );
      }
    },
  };
}

export async function isActiveCoordinator(
  q: Queryable,
  schema: string,
  practitionerId: string,
): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM ${schema}.program_coordinator WHERE practitioner_id = $1 AND active`,
    [practitionerId],
  );
  return rows.length > 0;
}
