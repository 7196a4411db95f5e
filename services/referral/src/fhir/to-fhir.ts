import type { Extension, Patient, Reference, ServiceRequest, Task } from '@medplum/fhirtypes';
import { businessStatusFor } from '../domain/business-status.js';
import { serviceRequestStatusFor, STATUSES_REQUIRING_REASON } from '../domain/lifecycle.js';
import type { CodedConcept, PatientRef, ReferralDetails, ReferralStatus } from '../domain/referral.js';
import {
  CONTACT_POINT_SYSTEM,
  CONTACTING_SUBJECT_PROHIBITED,
  FULFILL,
  PEER_SUPPORT_REFERRAL,
  PEERBRIDGE_REFERRAL_CATEGORY,
  PLACER_IDENTIFIER_TYPE,
  PREFERRED_CONTACT_METHOD_EXTENSION,
  PREFERRED_CONTACT_TIME_EXTENSION,
  PREFERRED_LANGUAGE_EXTENSION,
} from './codes.js';

/**
 * The referral as a ServiceRequest (Gravity SDOH Clinical Care / BSeR shape). Without an id:
 * the store assigns it on create.
 */
export function toFhirServiceRequest(
  referral: ReferralDetails,
  status: ReferralStatus,
  authoredOn: string,
): ServiceRequest {
  const extension = contactExtensions(referral);
  return {
    resourceType: 'ServiceRequest',
    ...(extension.length > 0 ? { extension } : {}),
    ...(referral.placerIdentifier
      ? {
          identifier: [
            {
              type: { coding: [{ ...PLACER_IDENTIFIER_TYPE }] },
              system: referral.placerIdentifier.system,
              value: referral.placerIdentifier.value,
            },
          ],
        }
      : {}),
    status: serviceRequestStatusFor(status),
    intent: 'order',
    category: [{ coding: [{ ...PEERBRIDGE_REFERRAL_CATEGORY }] }],
    priority: referral.priority,
    code: { coding: [{ ...PEER_SUPPORT_REFERRAL }], text: 'Referral to peer support' },
    ...(referral.doNotContact ? { orderDetail: [{ coding: [{ ...CONTACTING_SUBJECT_PROHIBITED }] }] } : {}),
    subject: patientReference(referral.patient),
    ...(referral.occurrence ? { occurrencePeriod: { ...referral.occurrence } } : {}),
    authoredOn,
    requester: { reference: referral.requester },
    performer: [{ reference: referral.program }],
    reasonCode: [
      {
        ...(referral.reason.codes.length > 0 ? { coding: referral.reason.codes.map(coding) } : {}),
        text: referral.reason.text,
      },
    ],
    ...(referral.reason.references.length > 0
      ? { reasonReference: referral.reason.references.map((reference) => ({ reference })) }
      : {}),
    ...(referral.consentReference ? { supportingInfo: [{ reference: referral.consentReference }] } : {}),
    ...(referral.notes ? { note: [{ text: referral.notes }] } : {}),
  };
}

/** The Task that tracks the referral's fulfilment; owner is the peer support program. */
export function toFhirTask(
  referral: ReferralDetails,
  serviceRequestId: string,
  status: ReferralStatus,
  authoredOn: string,
): Task {
  return {
    resourceType: 'Task',
    status,
    ...taskStatusFields(status, undefined, undefined),
    intent: 'order',
    priority: referral.priority,
    code: { coding: [{ ...FULFILL }] },
    focus: { reference: `ServiceRequest/${serviceRequestId}` },
    for: patientReference(referral.patient),
    authoredOn,
    lastModified: authoredOn,
    requester: { reference: referral.requester },
    owner: { reference: referral.program },
  };
}

/** businessStatus and statusReason for a Task entering `status`. */
export function taskStatusFields(
  status: ReferralStatus,
  reason: string | undefined,
  previousBusinessStatus: CodedConcept | undefined,
): Pick<Task, 'businessStatus' | 'statusReason'> {
  const business = businessStatusFor(status, previousBusinessStatus);
  return {
    businessStatus: businessStatusOf(business),
    ...(STATUSES_REQUIRING_REASON.includes(status) && reason ? { statusReason: { text: reason } } : {}),
  };
}

/** A BSeR business status as Task.businessStatus. */
export function businessStatusOf(status: CodedConcept): NonNullable<Task['businessStatus']> {
  return { coding: [coding(status)], text: status.display };
}

function patientReference(patient: PatientRef): Reference<Patient> {
  const [system, value] = splitIdentifier(patient.identifier);
  return {
    reference: patient.reference,
    ...(value !== undefined ? { identifier: { ...(system ? { system } : {}), value } } : {}),
  };
}

/** `system|value` as FHIR token syntax; a bare value has no system. */
export function splitIdentifier(identifier: string | undefined): [string | undefined, string | undefined] {
  if (identifier === undefined) {
    return [undefined, undefined];
  }
  const bar = identifier.indexOf('|');
  return bar < 0
    ? [undefined, identifier]
    : [identifier.slice(0, bar) || undefined, identifier.slice(bar + 1)];
}

function coding(concept: CodedConcept) {
  return {
    system: concept.system,
    code: concept.code,
    ...(concept.display ? { display: concept.display } : {}),
  };
}

function contactExtensions(referral: ReferralDetails): Extension[] {
  const extensions: Extension[] = [];
  if (referral.preferredLanguage) {
    extensions.push({ url: PREFERRED_LANGUAGE_EXTENSION, valueCode: referral.preferredLanguage });
  }
  if (referral.preferredContact?.method) {
    extensions.push({
      url: PREFERRED_CONTACT_METHOD_EXTENSION,
      valueCoding: { system: CONTACT_POINT_SYSTEM, code: referral.preferredContact.method },
    });
  }
  if (referral.preferredContact?.time) {
    extensions.push({ url: PREFERRED_CONTACT_TIME_EXTENSION, valueString: referral.preferredContact.time });
  }
  return extensions;
}
