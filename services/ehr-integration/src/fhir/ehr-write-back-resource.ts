import type { Encounter, Identifier, Procedure, Reference, Resource, Task } from '@medplum/fhirtypes';

/**
 * The identifier every resource PeerBridge writes to an EHR carries: its PeerBridge identity
 * (`Encounter/123`). Writes are conditional updates on it, so a write sent twice makes one
 * resource, and references between written resources are logical references on it.
 */
export const PEERBRIDGE_RESOURCE_SYSTEM = 'https://peerbridge.org/fhir/sid/resource';

/** The Procedure written for a session Encounter carries the Encounter's id under this system. */
export const SESSION_PROCEDURE_SYSTEM = 'https://peerbridge.org/fhir/sid/session-procedure';

/** HCPCS H0038 self-help/peer services: the service a peer support session delivers (TERMINOLOGY.md). */
export const PEER_SERVICES_CODE = {
  system: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  code: 'H0038',
  display: 'Self-help/peer services, per 15 minutes',
} as const;

/** What a PeerBridge resource's references become on the EHR. */
export interface EhrReferenceContext {
  /** The connection's FHIR base URL: absolute references under it are the EHR's own. */
  readonly fhirBaseUrl: string;
  /** PeerBridge referral id → the EHR ServiceRequest's absolute URL it was taken in from. */
  readonly referrals: ReadonlyMap<string, string>;
}

const WRITE_BACK_SYSTEMS = [PEERBRIDGE_RESOURCE_SYSTEM, SESSION_PROCEDURE_SYSTEM];

/** The identifier a resource made for the EHR (toEhrResource, sessionProcedure) is found by there. */
export function writeBackIdentifier(resource: Resource): { system: string; value: string } {
  const identifiers = (resource as { identifier?: Identifier | Identifier[] }).identifier;
  const found = [identifiers ?? []]
    .flat()
    .find((identifier) => WRITE_BACK_SYSTEMS.includes(identifier.system ?? ''));
  if (!found?.value) {
    throw new Error(`A ${resource.resourceType} made for an EHR carries its PeerBridge identifier`);
  }
  return { system: found.system!, value: found.value };
}

/**
 * A PeerBridge resource as an EHR gets it: without PeerBridge's id and meta, with its PeerBridge
 * identity as an identifier, and every reference made the EHR's. A reference to the EHR's own
 * resources (the patient, the referring clinician: absolute URLs on the connection) becomes
 * relative; to a referral taken in from the EHR, the EHR's ServiceRequest; to anything else of
 * PeerBridge's (a peer supporter, a session, a flag), a logical reference on its PeerBridge
 * identity, which the EHR resolves when that resource is written back too.
 */
export function toEhrResource<T extends Resource>(resource: T, context: EhrReferenceContext): T {
  const { id: _id, meta: _meta, ...rest } = resource as T & { id?: string };
  const identifier = { system: PEERBRIDGE_RESOURCE_SYSTEM, value: `${resource.resourceType}/${resource.id}` };
  const mapped = translateReferences(rest, context) as T & { identifier?: Identifier | Identifier[] };
  if (resource.resourceType === 'QuestionnaireResponse') {
    // R4's QuestionnaireResponse has a single identifier.
    return { ...mapped, identifier };
  }
  const others = ((mapped.identifier as Identifier[] | undefined) ?? []).filter(
    (existing) => existing.system !== PEERBRIDGE_RESOURCE_SYSTEM,
  );
  return { ...mapped, identifier: [identifier, ...others] };
}

/**
 * The Procedure the Behavioral Health Profiles IG records a delivered service as, for one
 * attendee's session Encounter (already in the EHR's terms): peer services performed in the
 * session, `basedOn` the EHR's referral; `not-done` for an absentee's.
 */
export function sessionProcedure(encounter: Encounter, encounterId: string): Procedure {
  const performer = encounter.participant?.find((participant) => participant.individual)?.individual;
  return {
    resourceType: 'Procedure',
    identifier: [{ system: SESSION_PROCEDURE_SYSTEM, value: encounterId }],
    ...(encounter.basedOn ? { basedOn: encounter.basedOn } : {}),
    status: encounter.status === 'finished' ? 'completed' : 'not-done',
    code: { coding: [{ ...PEER_SERVICES_CODE }], text: 'Peer support session' },
    subject: encounter.subject!,
    encounter: {
      type: 'Encounter',
      identifier: { system: PEERBRIDGE_RESOURCE_SYSTEM, value: `Encounter/${encounterId}` },
    },
    ...(encounter.period ? { performedPeriod: encounter.period } : {}),
    ...(performer ? { performer: [{ actor: performer }] } : {}),
  };
}

/**
 * The EHR's own Task for a referral, brought to the state of PeerBridge's: status, businessStatus,
 * statusReason and lastModified change; everything else stays the EHR's.
 */
export function updatedEhrTask(ehrTask: Task, peerbridgeTask: Task): Task {
  const { statusReason: _reason, businessStatus: _business, ...rest } = ehrTask;
  return {
    ...rest,
    status: peerbridgeTask.status,
    ...(peerbridgeTask.businessStatus ? { businessStatus: peerbridgeTask.businessStatus } : {}),
    ...(peerbridgeTask.statusReason ? { statusReason: peerbridgeTask.statusReason } : {}),
    ...(peerbridgeTask.lastModified ? { lastModified: peerbridgeTask.lastModified } : {}),
  };
}

const LOCAL_REFERENCE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

function translateReferences(value: unknown, context: EhrReferenceContext): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => translateReferences(item, context));
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const object = value as Record<string, unknown>;
  const translated = Object.fromEntries(
    Object.entries(object).map(([key, item]) => [key, translateReferences(item, context)]),
  );
  return typeof object.reference === 'string'
    ? ehrReference(translated as unknown as Reference & { reference: string }, context)
    : translated;
}

function ehrReference(reference: Reference & { reference: string }, context: EhrReferenceContext): Reference {
  const { reference: target, ...rest } = reference;
  const ehrPrefix = `${context.fhirBaseUrl}/`;
  if (target.startsWith(ehrPrefix)) {
    return { ...rest, reference: target.slice(ehrPrefix.length) };
  }
  const local = LOCAL_REFERENCE.exec(target);
  if (!local) {
    // Absolute, and not the EHR's: it stays as PeerBridge wrote it.
    return reference;
  }
  const [, type, id] = local;
  const ehrServiceRequest = type === 'ServiceRequest' ? context.referrals.get(id!) : undefined;
  if (ehrServiceRequest?.startsWith(ehrPrefix)) {
    return { ...rest, reference: ehrServiceRequest.slice(ehrPrefix.length) };
  }
  return {
    ...rest,
    type: type as Reference['type'],
    identifier: { system: PEERBRIDGE_RESOURCE_SYSTEM, value: target },
  };
}
