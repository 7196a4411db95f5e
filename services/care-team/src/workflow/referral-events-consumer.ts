import type { CareTeam, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { EventConsumer, Queryable, Repository } from '@peerbridge/shared';
import { careTeamActionFor } from '../domain/care-team-lifecycle.js';
import { closedCareTeam, proposedCareTeam } from '../fhir/care-team-resource.js';
import { PREFERRED_CONTACT_TIME_EXTENSION, PREFERRED_LANGUAGE_EXTENSION } from '../fhir/referral-codes.js';
import { adjustCaseload } from '../store/roster-tables.js';
import {
  insertCareTeam,
  lockCareTeamOfReferral,
  updateCareTeamRow,
  endAssignment,
} from '../store/care-team-tables.js';
import { findReferral, saveReferral, type ReferralProjection } from '../store/referral-tables.js';
import { emit } from './care-team-events.js';

/**
 * Keeps this service's view of referrals from the referral service's events (their resources
 * travel with them), and drives each referral's care team: proposed when it is accepted, closed
 * when it ends. Events of one referral may arrive out of order: each resource is applied only
 * if it is newer than what was applied before (delivery.isNewer), so a stale event changes
 * nothing; an event that comes before the referral's first (no ServiceRequest known yet) fails
 * and is retried after it.
 */
export const referralEventsConsumer: EventConsumer = {
  name: 'referrals',
  eventTypes: ['referral.created', 'referral.status-changed', 'referral.updated'],
  async handle(tx, event, delivery) {
    const referralId = event.aggregate.id;
    const repository = delivery.repository!;
    let referral = await findReferral(tx, referralId, { lock: true });
    const request = event.resources?.find((r): r is ServiceRequest => r.resourceType === 'ServiceRequest');
    const task = event.resources?.find((r): r is Task => r.resourceType === 'Task');
    if (request && (await delivery.isNewer(changeOf(request)))) {
      referral = { ...fromServiceRequest(request), status: referral?.status ?? 'requested' };
      await saveReferral(tx, referral);
    }
    if (!referral) {
      throw new Error('An event of a referral not yet known; retried after its referral.created');
    }
    if (task && (await delivery.isNewer(changeOf(task)))) {
      referral = { ...referral, status: task.status, program: task.owner?.reference ?? referral.program };
      await saveReferral(tx, referral);
      await applyLifecycle(tx, repository, referral, event.occurredAt);
    }
  },
};

async function applyLifecycle(
  tx: Queryable,
  repository: Repository,
  referral: ReferralProjection,
  at: string,
): Promise<void> {
  const action = careTeamActionFor(referral.status);
  const existing = await lockCareTeamOfReferral(tx, referral.id);
  if (action === 'propose' && !existing) {
    const team = await repository.create(
      proposedCareTeam({
        referralId: referral.id,
        patient: referral.patient,
        requester: referral.requester,
        coordinator: referral.program ?? 'Organization/peer-support-program',
        at,
      }),
      { q: tx },
    );
    await insertCareTeam(
      tx,
      {
        id: team.id!,
        referralId: referral.id,
        patient: referral.patient,
        status: 'proposed',
        peerSupporterId: undefined,
      },
      at,
    );
    await emit(tx, 'careteam.proposed', { type: 'care-team', id: team.id! }, [team]);
  }
  if (action === 'close' && existing && existing.status !== 'inactive') {
    const current = await repository.read('CareTeam', existing.id, { q: tx });
    const closed = await repository.update(
      { ...closedCareTeam(current, at), id: existing.id } as CareTeam & { id: string },
      undefined,
      {
        q: tx,
      },
    );
    await updateCareTeamRow(tx, existing.id, {
      status: 'inactive',
      peerSupporterId: existing.peerSupporterId,
    });
    await endAssignment(tx, existing.id, at);
    if (existing.peerSupporterId) {
      await adjustCaseload(tx, existing.peerSupporterId, -1);
    }
    await emit(tx, 'careteam.closed', { type: 'care-team', id: existing.id }, [closed]);
  }
}

function changeOf(resource: ServiceRequest | Task) {
  return { reference: `${resource.resourceType}/${resource.id}`, versionId: resource.meta!.versionId! };
}

function fromServiceRequest(request: ServiceRequest): Omit<ReferralProjection, 'status'> {
  const extension = (url: string) => request.extension?.find((e) => e.url === url);
  const language = extension(PREFERRED_LANGUAGE_EXTENSION)?.valueCode;
  return {
    id: request.id!,
    patient: request.subject.reference!,
    requester: request.requester?.reference,
    program: request.performer?.[0]?.reference,
    preferredLanguage: language,
    contactTime: extension(PREFERRED_CONTACT_TIME_EXTENSION)?.valueString,
    reasonCodes: (request.reasonCode ?? []).flatMap((concept) =>
      (concept.coding ?? []).flatMap((coding) =>
        coding.system && coding.code ? [`${coding.system}|${coding.code}`] : [],
      ),
    ),
  };
}
