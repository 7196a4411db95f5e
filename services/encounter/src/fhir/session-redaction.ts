import type { Appointment, Encounter, Reference, Resource } from '@medplum/fhirtypes';
import { markRedacted } from '@peerbridge/shared';
import { SESSION_NOTE_EXTENSION, SESSION_TOPIC_EXTENSION } from './codes.js';

/** What is said in a session: its topics and note. Date, mode and attendance are not. */
const SESSION_CONTENT = new Set([SESSION_TOPIC_EXTENSION, SESSION_NOTE_EXTENSION]);

/** The referral (ServiceRequest id) a `basedOn` reference names, if it names one. */
function referralIdOf(reference: Reference): string | undefined {
  const [type, id] = reference.reference?.split('/').slice(-2) ?? [];
  return type === 'ServiceRequest' && id ? id : undefined;
}

/** The referrals (ServiceRequest ids) a session's Encounter or Appointment is based on. */
export function referralsOfSession(resource: Encounter | Appointment): string[] {
  return (resource.basedOn ?? []).flatMap((reference) => referralIdOf(reference) ?? []);
}

/**
 * A session's Encounter or Appointment without its topics and note (an Appointment's note is its
 * `comment`, and its cancellation reason goes too), labelled REDACTED. It is labelled even when it had neither, so the label does not
 * tell whether there was a note.
 */
export function withoutSessionContent<T extends Encounter | Appointment>(resource: T): T {
  const extension = resource.extension?.filter((e) => !SESSION_CONTENT.has(e.url));
  const { extension: _extension, ...rest } = resource;
  const kept = { ...rest, ...(extension && extension.length > 0 ? { extension } : {}) } as T;
  if (kept.resourceType === 'Appointment') {
    // Why a session was cancelled can say as much as its note ("in hospital after a crisis").
    delete (kept as Appointment).comment;
    delete (kept as Appointment).cancelationReason;
  }
  return markRedacted(kept);
}

/**
 * The redaction for someone who may learn a session's content only when every referral it is
 * based on records consent (`consenting`): otherwise what was said is withheld. A session based
 * on no known referral is withheld too.
 */
export function sessionContentRedaction(consenting: ReadonlySet<string>) {
  return (resource: Resource): Resource => {
    const session = resource as Encounter | Appointment;
    const referrals = referralsOfSession(session);
    const shared = referrals.length > 0 && referrals.every((id) => consenting.has(id));
    return shared ? resource : withoutSessionContent(session);
  };
}

/**
 * A group session's Appointment as someone in one patient's context (a clinician launched with
 * the patient, the patient) sees it: the other attendees, patients of their own, and their
 * referrals are left out, and the Appointment is labelled REDACTED. `referrals` are the patient's
 * own referral ids. A one-to-one Appointment is the patient's alone and passes unchanged.
 */
export function otherAttendeesRedaction(patient: string, referrals: ReadonlySet<string>) {
  return (resource: Resource): Resource => {
    if (resource.resourceType !== 'Appointment') {
      return resource;
    }
    const appointment = resource as Appointment;
    const participant = (appointment.participant ?? []).filter((p) => {
      const actor = p.actor?.reference ?? '';
      return !/(^|\/)Patient\/[^/]+$/.test(actor) || actor === patient;
    });
    const basedOn = (appointment.basedOn ?? []).filter((reference) => {
      const id = referralIdOf(reference);
      return id === undefined || referrals.has(id);
    });
    if (
      participant.length === (appointment.participant ?? []).length &&
      basedOn.length === (appointment.basedOn ?? []).length
    ) {
      return resource;
    }
    return markRedacted({ ...appointment, participant, ...(basedOn.length > 0 ? { basedOn } : {}) });
  };
}
