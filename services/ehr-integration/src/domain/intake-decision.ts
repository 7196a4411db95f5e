import type { Patient, ServiceRequest } from '@medplum/fhirtypes';

/** The searches intake polls: ServiceRequests by code, or the Tasks the program owns. */
export type IntakeSource = 'service-request' | 'task';

/** SNOMED CT 461481000124109 "Referral to peer support service", the code intake polls for. */
export const PEER_SUPPORT_REFERRAL_CODE = {
  system: 'http://snomed.info/sct',
  code: '461481000124109',
} as const;

/** The referral service keeps notes whole up to this length and refuses longer ones. */
const MAX_NOTES_LENGTH = 2000;

/** Intents the referral service accepts a referral with (the order itself, as BSeR and SDOHCC use it). */
const REFERRAL_INTENTS: readonly string[] = ['order', 'original-order'];

/**
 * What intake does with one EHR referral: take it in, leave it for a later poll (a draft may
 * still change; its next change brings it back), or reject it for good with the reason, so that
 * a referral PeerBridge cannot map is recorded once and not retried forever.
 */
export type IntakeDecision =
  | { readonly kind: 'accept' }
  | { readonly kind: 'later' }
  | { readonly kind: 'reject'; readonly reason: string };

/** The EHR Patient a referral names, as `Patient/<id>` relative to the EHR; undefined when it names none. */
export function referredPatientId(request: ServiceRequest): string | undefined {
  const match = /^(?:.*\/)?Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(request.subject?.reference ?? '');
  return match?.[1];
}

/**
 * Decides on one EHR referral. `patient` is the EHR's Patient it names (undefined when the EHR
 * has none by that id). Reasons are fixed phrases with no patient data, since an admin reads them.
 */
export function decideIntake(request: ServiceRequest, patient: Patient | undefined): IntakeDecision {
  if (request.status === 'draft') {
    return { kind: 'later' };
  }
  if (request.status !== 'active') {
    return { kind: 'reject', reason: `the referral is ${request.status}, not active` };
  }
  if (!REFERRAL_INTENTS.includes(request.intent)) {
    return { kind: 'reject', reason: `unknown intent ${String(request.intent).slice(0, 40)}` };
  }
  const isPeerSupport = request.code?.coding?.some(
    (coding) =>
      coding.system === PEER_SUPPORT_REFERRAL_CODE.system && coding.code === PEER_SUPPORT_REFERRAL_CODE.code,
  );
  if (!isPeerSupport) {
    return { kind: 'reject', reason: 'not a peer support referral (SNOMED CT 461481000124109)' };
  }
  if (!referredPatientId(request)) {
    return { kind: 'reject', reason: 'no patient: subject does not reference a Patient' };
  }
  if (!patient) {
    return { kind: 'reject', reason: 'no patient: the EHR has no Patient by the subject reference' };
  }
  if (!/(^|\/)Practitioner\/[^/]+$/.test(request.requester?.reference ?? '')) {
    return { kind: 'reject', reason: 'no referring clinician: requester does not reference a Practitioner' };
  }
  const notes = request.note?.map((note) => note.text ?? '').join('\n\n') ?? '';
  if (notes.length > MAX_NOTES_LENGTH) {
    return { kind: 'reject', reason: `notes longer than ${MAX_NOTES_LENGTH} characters` };
  }
  return { kind: 'accept' };
}
