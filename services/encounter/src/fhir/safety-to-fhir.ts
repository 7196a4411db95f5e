import type { Communication, Flag, Reference } from '@medplum/fhirtypes';
import type { SafetyConcern } from '../domain/safety-concern.js';
import {
  COMMUNICATION_ALERT,
  COMMUNICATION_NOTIFICATION,
  FLAG_CATEGORY_SAFETY,
  SAFETY_CONCERN,
} from './safety-codes.js';

/**
 * The concern in words: its description, or, when an automatic escalation brought none, what its
 * code says (an empty text would make the Flag invalid, and the signal must never be lost).
 */
function concernText(concern: SafetyConcern): string {
  return concern.description.trim() || SAFETY_CONCERN[concern.source].display;
}

/** An active safety Flag on the patient from `at`, coded with what the concern is. */
export function safetyFlag(concern: SafetyConcern, at: string): Flag {
  return {
    resourceType: 'Flag',
    status: 'active',
    category: [{ coding: [{ ...FLAG_CATEGORY_SAFETY }] }],
    code: { coding: [{ ...SAFETY_CONCERN[concern.source] }], text: concernText(concern) },
    subject: { reference: concern.patient },
    period: { start: at },
    ...(concern.encounter ? { encounter: { reference: concern.encounter.reference } } : {}),
    ...(concern.raisedBy ? { author: { reference: concern.raisedBy.reference } } : {}),
  };
}

/**
 * The alert to the care team about `flag`: its payload is the concern's description (which never
 * holds questionnaire answers), `about` the Flag and what the concern came from.
 */
export function safetyAlert(
  concern: SafetyConcern,
  flag: Flag & { id: string },
  recipients: readonly string[],
  at: string,
): Communication {
  return {
    resourceType: 'Communication',
    status: 'completed',
    category: [{ coding: [{ ...COMMUNICATION_ALERT }] }],
    priority: concern.urgency,
    subject: { reference: concern.patient },
    about: [{ reference: `Flag/${flag.id}` }, ...concern.about],
    ...(concern.encounter ? { encounter: { reference: concern.encounter.reference } } : {}),
    recipient: recipients.map((reference) => ({ reference })),
    ...(concern.raisedBy ? { sender: { reference: concern.raisedBy.reference } } : {}),
    sent: at,
    reasonCode: [{ coding: [{ ...SAFETY_CONCERN[concern.source] }] }],
    payload: [{ contentString: concernText(concern) }],
  };
}

export interface FlagFollowUp {
  readonly patient: string;
  readonly flagId: string;
  readonly alertId: string;
  /** The person who acted, when the token names one. */
  readonly sender: Reference | undefined;
  readonly recipients: readonly Reference[];
  readonly text: string;
  readonly at: string;
}

/**
 * What follows an alert (acknowledged, resolved): a notification `inResponseTo` it, about the
 * same Flag, sent by whoever acted, so the alert's thread records who did what and when.
 */
export function flagFollowUp(followUp: FlagFollowUp): Communication {
  return {
    resourceType: 'Communication',
    status: 'completed',
    category: [{ coding: [{ ...COMMUNICATION_NOTIFICATION }] }],
    priority: 'routine',
    subject: { reference: followUp.patient },
    about: [{ reference: `Flag/${followUp.flagId}` }],
    inResponseTo: [{ reference: `Communication/${followUp.alertId}` }],
    ...(followUp.sender ? { sender: { reference: followUp.sender.reference } } : {}),
    ...(followUp.recipients.length > 0
      ? { recipient: followUp.recipients.map((r) => ({ reference: r.reference })) }
      : {}),
    sent: followUp.at,
    payload: [{ contentString: followUp.text }],
  };
}

/** The flag no longer applies: inactive, its period ended at `at`. */
export function resolvedFlag(flag: Flag & { id: string }, at: string): Flag & { id: string } {
  return { ...flag, status: 'inactive', period: { ...flag.period, end: at } };
}
