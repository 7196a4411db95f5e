import type {
  CareTeam,
  Communication,
  Encounter,
  Flag,
  Observation,
  QuestionnaireResponse,
  Resource,
  ServiceRequest,
  Task,
} from '@medplum/fhirtypes';
import {
  consentReferenceOf,
  EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM,
  referralIdOfCareTeam,
  type DomainEvent,
  type EhrConnection,
  type EventConsumer,
  type Queryable,
} from '@peerbridge/shared';
import { sessionProcedure, toEhrResource } from '../fhir/ehr-write-back-resource.js';
import {
  applyConsentToRows,
  ehrTaskOfIntake,
  enqueueWriteBack,
  findWriteBackReferral,
  saveWriteBackReferral,
  writeBackReferralsOfPatient,
  type WriteBackReferral,
} from '../store/write-back-tables.js';
import { acceptedIntakeOf } from '../store/intake-tables.js';

/** Session content: written back only for a referral that records consent to share it. */
const SESSION_CONTENT = new Set(['Encounter', 'Procedure', 'QuestionnaireResponse', 'Observation']);

/**
 * Puts what PeerBridge does for a referral taken in from an EHR in line for that EHR: the
 * referral's status (its Task), the care team, the sessions (Encounters, and a Procedure each),
 * the outcomes (QuestionnaireResponse, Observations) and safety flags (Flag, Communication), as
 * the events of the other services carry them (never their tables). A resource is put in line
 * only when newer than what this consumer saw of it, so a stale event never overwrites a newer
 * state; the deliverer (write-back-delivery.ts) sends it.
 */
export function writeBackConsumer(connections: readonly EhrConnection[]): EventConsumer {
  const byId = new Map(connections.map((connection) => [connection.id, connection]));
  return {
    name: 'write-back',
    eventTypes: [
      'referral.created',
      'referral.status-changed',
      'referral.updated',
      'careteam.proposed',
      'careteam.assigned',
      'careteam.reassigned',
      'careteam.closed',
      'session.logged',
      'outcome.recorded',
      'safety.flagged',
      'safety.acknowledged',
      'safety.resolved',
    ],
    async handle(tx, event, delivery) {
      const resources = event.resources ?? [];
      for (const request of resources.filter(
        (r): r is ServiceRequest => r.resourceType === 'ServiceRequest',
      )) {
        // A stale event must not take back consent a newer version of the referral recorded.
        const change = {
          reference: `ServiceRequest/${request.id}`,
          versionId: request.meta?.versionId ?? '',
        };
        if (request.id && request.meta?.versionId && (await delivery.isNewer(change))) {
          await learnReferral(tx, request, byId);
        }
      }
      for (const resource of resources) {
        if (resource.resourceType === 'ServiceRequest' || !resource.id || !resource.meta?.versionId) {
          continue;
        }
        const referral = await referralOf(tx, resource, event);
        const connection = referral && byId.get(referral.connectionId);
        if (!connection || !writesBack(connection, resource.resourceType)) {
          continue;
        }
        const reference = `${resource.resourceType}/${resource.id}`;
        if (!(await delivery.isNewer({ reference, versionId: resource.meta.versionId }))) {
          continue;
        }
        await putInLine(tx, connection, referral, resource);
      }
    },
  };
}

/**
 * A referral taken in from an EHR (it carries the EHR ServiceRequest as an identifier, and intake
 * accepted it): recorded with its connection, and with its consent, whose change releases or
 * withholds its session content.
 */
async function learnReferral(
  tx: Queryable,
  request: ServiceRequest,
  connections: ReadonlyMap<string, EhrConnection>,
): Promise<void> {
  const ehrServiceRequest = request.identifier?.find(
    (identifier) => identifier.system === EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM,
  )?.value;
  const connectionId = ehrServiceRequest && (await acceptedIntakeOf(tx, ehrServiceRequest));
  if (!connectionId || !connections.has(connectionId) || !request.id || !request.subject.reference) {
    return;
  }
  const consented = consentReferenceOf(request) !== undefined;
  const changed = await saveWriteBackReferral(tx, {
    referralId: request.id,
    connectionId,
    ehrServiceRequest: ehrServiceRequest!,
    ehrTask: await ehrTaskOfIntake(tx, connectionId, ehrServiceRequest!),
    patient: request.subject.reference,
    consented,
  });
  if (changed) {
    await applyConsentToRows(tx, request.id, consented, [...SESSION_CONTENT]);
  }
}

/** The EHR referral a resource belongs to, or undefined when it is not about one. */
async function referralOf(
  tx: Queryable,
  resource: Resource,
  event: DomainEvent,
): Promise<WriteBackReferral | undefined> {
  const byReferralId = async (ids: readonly (string | undefined)[]) => {
    for (const id of ids) {
      const referral = id ? await findWriteBackReferral(tx, id) : undefined;
      if (referral) {
        return referral;
      }
    }
    return undefined;
  };
  switch (resource.resourceType) {
    case 'Task':
      return byReferralId([serviceRequestId((resource as Task).focus?.reference)]);
    case 'CareTeam':
      return byReferralId([referralIdOfCareTeam(resource as CareTeam)]);
    case 'Encounter':
    case 'QuestionnaireResponse':
      return byReferralId(
        ((resource as Encounter | QuestionnaireResponse).basedOn ?? []).map((basedOn) =>
          serviceRequestId(basedOn.reference),
        ),
      );
    case 'Observation':
      return referralOfObservation(tx, resource as Observation, event);
    case 'Flag':
    case 'Communication': {
      const patient = (resource as Flag | Communication).subject?.reference;
      return patient ? (await writeBackReferralsOfPatient(tx, patient))[0] : undefined;
    }
    default:
      return undefined;
  }
}

/** An outcome's Observations are the referral's its QuestionnaireResponse (in the same event) is based on. */
async function referralOfObservation(
  tx: Queryable,
  observation: Observation,
  event: DomainEvent,
): Promise<WriteBackReferral | undefined> {
  const source = observation.derivedFrom?.[0]?.reference;
  const response = (event.resources ?? []).find(
    (resource) => `${resource.resourceType}/${resource.id}` === source,
  );
  return response ? referralOf(tx, response, event) : undefined;
}

async function putInLine(
  tx: Queryable,
  connection: EhrConnection,
  referral: WriteBackReferral,
  resource: Resource,
): Promise<void> {
  if (resource.resourceType === 'Encounter' && !(resource as Encounter).subject) {
    // A group session's own Encounter: each attendee's, partOf it, is what the EHR gets.
    return;
  }
  const context = {
    fhirBaseUrl: connection.fhirBaseUrl,
    referrals: new Map([[referral.referralId, referral.ehrServiceRequest]]),
  };
  const ehrResource = toEhrResource(resource, context);
  const item = {
    connectionId: connection.id,
    resourceId: resource.id!,
    version: Number(resource.meta!.versionId),
    referralId: referral.referralId,
  };
  const withheld = (type: string) => SESSION_CONTENT.has(type) && !referral.consented;
  if (connection.writeBack.includes(resource.resourceType)) {
    await enqueueWriteBack(tx, {
      ...item,
      resourceType: resource.resourceType,
      resource: ehrResource,
      withheld: withheld(resource.resourceType),
    });
  }
  if (resource.resourceType === 'Encounter' && connection.writeBack.includes('Procedure')) {
    await enqueueWriteBack(tx, {
      ...item,
      resourceType: 'Procedure',
      resource: sessionProcedure(ehrResource as Encounter, resource.id!),
      withheld: withheld('Procedure'),
    });
  }
}

/** Whether the connection takes the resource, or (a session's Encounter) the Procedure made of it. */
function writesBack(connection: EhrConnection, resourceType: string): boolean {
  return (
    connection.writeBack.includes(resourceType) ||
    (resourceType === 'Encounter' && connection.writeBack.includes('Procedure'))
  );
}

function serviceRequestId(reference: string | undefined): string | undefined {
  return /^ServiceRequest\/([^/]+)$/.exec(reference ?? '')?.[1];
}
