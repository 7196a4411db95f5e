import type { Appointment, Encounter, Resource } from '@medplum/fhirtypes';
import { markRedacted } from '@peerbridge/shared';
import { SESSION_NOTE_EXTENSION, SESSION_TOPIC_EXTENSION } from './codes.js';

/** What is said in a session: its topics and note. Date, mode and attendance are not. */
const SESSION_CONTENT = new Set([SESSION_TOPIC_EXTENSION, SESSION_NOTE_EXTENSION]);

/** The referrals (ServiceRequest ids) a session's Encounter or Appointment is based on. */
export function referralsOfSession(resource: Encounter | Appointment): string[] {
  return (resource.basedOn ?? []).flatMap((reference) => {
    const [type, id] = reference.reference?.split('/').slice(-2) ?? [];
    return type === 'ServiceRequest' && id ? [id] : [];
  });
}

/**
 * A session's Encounter or Appointment without its topics and note (an Appointment's note is its
 * `comment`), labelled REDACTED. It is labelled even when it had neither, so the label does not
 * tell whether there was a note.
 */
export function withoutSessionContent<T extends Encounter | Appointment>(resource: T): T {
  const extension = resource.extension?.filter((e) => !SESSION_CONTENT.has(e.url));
  const { extension: _extension, ...rest } = resource;
  const kept = { ...rest, ...(extension && extension.length > 0 ? { extension } : {}) } as T;
  if (kept.resourceType === 'Appointment') {
    delete (kept as Appointment).comment;
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
