import type { Referral, ReferralDetails, Transition } from '../domain/referral.js';
import type { components } from '../generated/referral-api.js';

export type ApiReferralInput = components['schemas']['ReferralInput'];
export type ApiReferral = components['schemas']['Referral'];
export type ApiTransition = components['schemas']['Transition'];

/** The REST body of createReferral as the domain's ReferralDetails. */
export function fromApiReferralInput(input: ApiReferralInput, defaultProgram: string): ReferralDetails {
  const consentGiven = input.consent?.shareWithCareTeam === true;
  return {
    patient: {
      reference: input.patient.reference,
      ...(input.patient.identifier ? { identifier: input.patient.identifier } : {}),
    },
    requester: input.requester.reference,
    program: input.program?.reference ?? defaultProgram,
    reason: {
      text: input.reason.text,
      codes: (input.reason.codes ?? []).map((coding) => ({
        system: coding.system,
        code: coding.code,
        ...(coding.display ? { display: coding.display } : {}),
      })),
      references: input.reason.references ?? [],
    },
    priority: input.priority ?? 'routine',
    ...(input.preferredLanguage ? { preferredLanguage: input.preferredLanguage } : {}),
    ...(input.preferredContact && (input.preferredContact.method || input.preferredContact.time)
      ? { preferredContact: { ...input.preferredContact } }
      : {}),
    ...(input.occurrence && (input.occurrence.start || input.occurrence.end)
      ? { occurrence: { ...input.occurrence } }
      : {}),
    ...(consentGiven && input.consent?.consentReference
      ? { consentReference: input.consent.consentReference }
      : {}),
    doNotContact: input.doNotContact ?? false,
    ...(input.notes ? { notes: input.notes } : {}),
    ...(input.placerIdentifier ? { placerIdentifier: { ...input.placerIdentifier } } : {}),
  };
}

export function toApiReferral(referral: Referral): ApiReferral {
  return {
    id: referral.id,
    status: referral.status,
    ...(referral.statusReason ? { statusReason: referral.statusReason } : {}),
    businessStatus: { ...referral.businessStatus },
    patient: { ...referral.patient },
    requester: { reference: referral.requester },
    program: { reference: referral.program },
    reason: {
      text: referral.reason.text,
      codes: referral.reason.codes.map((coding) => ({ ...coding })) as ApiReferral['reason']['codes'],
      ...(referral.reason.references.length > 0 ? { references: [...referral.reason.references] } : {}),
    },
    priority: referral.priority,
    ...(referral.preferredLanguage ? { preferredLanguage: referral.preferredLanguage } : {}),
    ...(referral.preferredContact ? { preferredContact: { ...referral.preferredContact } } : {}),
    ...(referral.occurrence ? { occurrence: { ...referral.occurrence } } : {}),
    consent: referral.consentReference
      ? { shareWithCareTeam: true, consentReference: referral.consentReference }
      : { shareWithCareTeam: false },
    doNotContact: referral.doNotContact,
    ...(referral.notes ? { notes: referral.notes } : {}),
    ...(referral.placerIdentifier ? { placerIdentifier: { ...referral.placerIdentifier } } : {}),
    authoredOn: referral.authoredOn,
    lastUpdated: referral.lastUpdated,
    serviceRequest: { reference: `ServiceRequest/${referral.id}`, versionId: referral.serviceRequestVersion },
    task: { reference: `Task/${referral.taskId}`, versionId: referral.taskVersion },
  };
}

export function toApiTransition(transition: Transition): ApiTransition {
  return {
    ...(transition.from ? { from: transition.from } : {}),
    to: transition.to,
    ...(transition.reason ? { reason: transition.reason } : {}),
    actor: { ...transition.actor },
    at: transition.at,
    taskVersion: transition.taskVersion,
  };
}
