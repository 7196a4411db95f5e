import type { CodeableConcept, Reference, ServiceRequest, Task } from '@medplum/fhirtypes';
import { badRequest, consentReferenceOf, isReferenceTo, unprocessable } from '@peerbridge/shared';
import {
  CONTACT_METHODS,
  MAX_NOTES_LENGTH,
  REFERRAL_PRIORITIES,
  REFERRAL_STATUSES,
  type CodedConcept,
  type ContactMethod,
  type Referral,
  type ReferralDetails,
  type ReferralPriority,
  type ReferralStatus,
} from '../domain/referral.js';
import {
  CONTACTING_SUBJECT_PROHIBITED,
  PEER_SUPPORT_REFERRAL,
  PLACER_IDENTIFIER_TYPE,
  PREFERRED_CONTACT_METHOD_EXTENSION,
  PREFERRED_CONTACT_TIME_EXTENSION,
  PREFERRED_LANGUAGE_EXTENSION,
  REASON_CODE_SYSTEMS,
} from './codes.js';

/** A ServiceRequest is a peer support referral when its code carries SNOMED 461481000124109. */
export function isPeerSupportReferral(serviceRequest: ServiceRequest): boolean {
  return hasCoding(serviceRequest.code, PEER_SUPPORT_REFERRAL);
}

/** Intents an EHR may send a referral with: the order itself, as BSeR and SDOHCC use it. */
const ACCEPTED_INTENTS = ['order', 'original-order'];

/**
 * Reads a referral's details from a ServiceRequest, as an EHR sends it or as it is stored.
 * Anything PeerBridge cannot act on is refused with the element's FHIRPath in `expression`.
 */
export function referralDetailsFromServiceRequest(
  sr: ServiceRequest,
  defaultProgram: string,
): ReferralDetails {
  if (!ACCEPTED_INTENTS.includes(sr.intent)) {
    throw unprocessable(
      `A referral's intent must be order or original-order, not ${sr.intent}`,
      'ServiceRequest.intent',
    );
  }
  const patient = sr.subject?.reference;
  if (!patient || !isReferenceTo(patient, 'Patient')) {
    throw badRequest(
      'subject must reference the Patient, e.g. Patient/123',
      'ServiceRequest.subject.reference',
    );
  }
  const requester = sr.requester?.reference;
  if (!requester || !isReferenceTo(requester, 'Practitioner')) {
    throw badRequest(
      'requester must reference the referring Practitioner',
      'ServiceRequest.requester.reference',
    );
  }
  const priority = sr.priority ?? 'routine';
  if (!REFERRAL_PRIORITIES.includes(priority as ReferralPriority)) {
    throw badRequest(`Unknown priority ${priority}`, 'ServiceRequest.priority');
  }
  const notes = sr.note?.map((note) => note.text).join('\n\n');
  if (notes !== undefined && notes.length > MAX_NOTES_LENGTH) {
    throw badRequest(`Notes may hold at most ${MAX_NOTES_LENGTH} characters`, 'ServiceRequest.note');
  }
  const placer = sr.identifier?.find((identifier) => hasCoding(identifier.type, PLACER_IDENTIFIER_TYPE));
  const method = extensionValue(sr, PREFERRED_CONTACT_METHOD_EXTENSION)?.valueCoding?.code;
  const time = extensionValue(sr, PREFERRED_CONTACT_TIME_EXTENSION)?.valueString;
  const program = sr.performer?.find((performer) => isReferenceTo(performer.reference, 'Organization'));
  const consent = consentReferenceOf(sr);
  const language = extensionValue(sr, PREFERRED_LANGUAGE_EXTENSION)?.valueCode;
  return {
    patient: {
      reference: patient,
      ...(identifierToken(sr.subject) ? { identifier: identifierToken(sr.subject) } : {}),
    },
    requester,
    program: program?.reference ?? defaultProgram,
    reason: readReason(sr),
    priority: priority as ReferralPriority,
    ...(language ? { preferredLanguage: language } : {}),
    ...(method || time
      ? {
          preferredContact: {
            ...(method && CONTACT_METHODS.includes(method as ContactMethod)
              ? { method: method as ContactMethod }
              : {}),
            ...(time ? { time } : {}),
          },
        }
      : {}),
    ...(sr.occurrencePeriod
      ? {
          occurrence: {
            ...(sr.occurrencePeriod.start ? { start: sr.occurrencePeriod.start } : {}),
            ...(sr.occurrencePeriod.end ? { end: sr.occurrencePeriod.end } : {}),
          },
        }
      : {}),
    ...(consent ? { consentReference: consent } : {}),
    doNotContact: sr.orderDetail?.some((detail) => hasCoding(detail, CONTACTING_SUBJECT_PROHIBITED)) ?? false,
    ...(notes ? { notes } : {}),
    ...(placer?.system && placer.value
      ? { placerIdentifier: { system: placer.system, value: placer.value } }
      : {}),
  };
}

/** The referral a stored ServiceRequest and its Task describe together. */
export function referralFromFhir(sr: ServiceRequest, task: Task, defaultProgram: string): Referral {
  const status = task.status as ReferralStatus;
  if (!REFERRAL_STATUSES.includes(status)) {
    throw new Error(`Task/${task.id} has status ${task.status}, outside the referral lifecycle`);
  }
  const business = task.businessStatus?.coding?.[0];
  return {
    ...referralDetailsFromServiceRequest(sr, defaultProgram),
    id: sr.id!,
    taskId: task.id!,
    status,
    ...(task.statusReason?.text ? { statusReason: task.statusReason.text } : {}),
    businessStatus: {
      system: business?.system ?? '',
      code: business?.code ?? '',
      ...(business?.display ? { display: business.display } : {}),
    },
    authoredOn: sr.authoredOn ?? task.authoredOn ?? '',
    lastUpdated: latest(sr.meta?.lastUpdated, task.meta?.lastUpdated),
    serviceRequestVersion: sr.meta?.versionId ?? '',
    taskVersion: task.meta?.versionId ?? '',
  };
}

function readReason(sr: ServiceRequest): ReferralDetails['reason'] {
  const codes: CodedConcept[] = [];
  let text: string | undefined;
  (sr.reasonCode ?? []).forEach((concept, i) => {
    text ??= concept.text;
    (concept.coding ?? []).forEach((coding, j) => {
      if (!coding.system || !REASON_CODE_SYSTEMS.includes(coding.system) || !coding.code) {
        throw badRequest(
          `Reason codes must be SNOMED CT (http://snomed.info/sct) or ICD-10-CM (http://hl7.org/fhir/sid/icd-10-cm)`,
          `ServiceRequest.reasonCode[${i}].coding[${j}].system`,
        );
      }
      text ??= coding.display;
      codes.push({
        system: coding.system,
        code: coding.code,
        ...(coding.display ? { display: coding.display } : {}),
      });
    });
  });
  const references = (sr.reasonReference ?? []).flatMap((reference) =>
    reference.reference ? [reference.reference] : [],
  );
  if (!text) {
    throw badRequest(
      'A referral needs a reason: reasonCode with text or a coding display',
      'ServiceRequest.reasonCode',
    );
  }
  return { text, codes, references };
}

function hasCoding(concept: CodeableConcept | undefined, wanted: { system: string; code: string }): boolean {
  return concept?.coding?.some((c) => c.system === wanted.system && c.code === wanted.code) ?? false;
}

function extensionValue(sr: ServiceRequest, url: string) {
  return sr.extension?.find((extension) => extension.url === url);
}

function identifierToken(reference: Reference | undefined): string | undefined {
  const identifier = reference?.identifier;
  if (!identifier?.value) {
    return undefined;
  }
  return identifier.system ? `${identifier.system}|${identifier.value}` : identifier.value;
}

function latest(a: string | undefined, b: string | undefined): string {
  return [a ?? '', b ?? ''].sort().at(-1)!;
}
