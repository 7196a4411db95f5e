import type { Appointment, Coding, Encounter, Extension } from '@medplum/fhirtypes';
import type { Mode, SessionKind } from '../domain/session.js';
import { minutesBetween } from '../domain/session.js';
import {
  ENCOUNTER_CLASS,
  SESSION_NOTE_EXTENSION,
  SESSION_TOPIC_EXTENSION,
  SESSION_TOPIC_SYSTEM,
  SESSION_TYPE_SYSTEM,
  UCUM,
} from './codes.js';

/** Where a session happens and how, as FHIR says it. */
const MODES: Readonly<Record<Mode, { class: Coding; type: string }>> = {
  'in-person': { class: ENCOUNTER_CLASS.ambulatory, type: 'in-person' },
  virtual: { class: ENCOUNTER_CLASS.virtual, type: 'video' },
  phone: { class: ENCOUNTER_CLASS.virtual, type: 'telephone' },
  home: { class: ENCOUNTER_CLASS.home, type: 'home' },
};

export interface SessionParts {
  readonly kind: SessionKind;
  readonly mode: Mode;
  readonly start: string;
  readonly end: string;
  readonly topics: readonly string[];
  readonly note: string | undefined;
  /** `PractitionerRole/<id>` of the peer supporter who runs it. */
  readonly peerSupporterRole: string;
}

export function sessionTypes(kind: SessionKind, mode: Mode) {
  return [
    { coding: [{ system: SESSION_TYPE_SYSTEM, code: kind }] },
    { coding: [{ system: SESSION_TYPE_SYSTEM, code: MODES[mode].type }] },
  ];
}

function topicExtensions(topics: readonly string[]): Extension[] {
  return topics.map((code) => ({
    url: SESSION_TOPIC_EXTENSION,
    valueCoding: { system: SESSION_TOPIC_SYSTEM, code },
  }));
}

/** A planned session: a booked Appointment with each patient and the peer supporter, based on the referrals. */
export function plannedAppointment(
  parts: SessionParts,
  attendees: readonly { patient: string; referralId: string }[],
): Appointment {
  const extension = topicExtensions(parts.topics);
  return {
    resourceType: 'Appointment',
    ...(extension.length > 0 ? { extension } : {}),
    status: 'booked',
    serviceType: sessionTypes(parts.kind, parts.mode),
    start: parts.start,
    end: parts.end,
    minutesDuration: minutesBetween(parts.start, parts.end),
    ...(parts.note ? { comment: parts.note } : {}),
    basedOn: attendees.map((a) => ({ reference: `ServiceRequest/${a.referralId}` })),
    participant: [
      ...attendees.map((a) => ({ actor: { reference: a.patient }, status: 'accepted' as const })),
      { actor: { reference: parts.peerSupporterRole }, status: 'accepted' as const },
    ],
  };
}

/**
 * A logged session's Encounter. For one patient (a one-to-one session, or an attendee of a
 * group), `subject` is the patient and `basedOn` their referral; the group's own Encounter has
 * no subject and names every referral. Absentees' Encounters are `cancelled`.
 */
export function sessionEncounter(
  parts: SessionParts,
  options: {
    subject?: { patient: string; referralId: string };
    referralIds?: readonly string[];
    partOf?: string;
    appointment?: string;
    attended?: boolean;
  },
): Encounter {
  const extension = [
    ...topicExtensions(parts.topics),
    ...(parts.note ? [{ url: SESSION_NOTE_EXTENSION, valueString: parts.note }] : []),
  ];
  const referralIds = options.subject ? [options.subject.referralId] : (options.referralIds ?? []);
  return {
    resourceType: 'Encounter',
    ...(extension.length > 0 ? { extension } : {}),
    status: options.attended === false ? 'cancelled' : 'finished',
    class: { ...MODES[parts.mode].class },
    type: sessionTypes(parts.kind, parts.mode),
    ...(options.subject ? { subject: { reference: options.subject.patient } } : {}),
    basedOn: referralIds.map((id) => ({ reference: `ServiceRequest/${id}` })),
    participant: [{ individual: { reference: parts.peerSupporterRole } }],
    ...(options.appointment ? { appointment: [{ reference: options.appointment }] } : {}),
    period: { start: parts.start, end: parts.end },
    length: { value: minutesBetween(parts.start, parts.end), unit: 'min', system: UCUM, code: 'min' },
    ...(options.partOf ? { partOf: { reference: options.partOf } } : {}),
  };
}
