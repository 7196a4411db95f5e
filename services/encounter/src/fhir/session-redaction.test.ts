import { describe, expect, it } from '@jest/globals';
import type { Appointment } from '@medplum/fhirtypes';
import { SESSION_NOTE_EXTENSION } from './codes.js';
import { otherAttendeesRedaction, withoutSessionContent } from './session-redaction.js';

const REDACTED = expect.objectContaining({ code: 'REDACTED' });

const appointment = (patients: string[], referrals: string[]): Appointment => ({
  resourceType: 'Appointment',
  id: 'a-1',
  status: 'cancelled',
  extension: [{ url: SESSION_NOTE_EXTENSION, valueString: 'Private' }],
  comment: 'Bring the forms',
  cancelationReason: { text: 'In hospital after a crisis' },
  basedOn: referrals.map((id) => ({ reference: `ServiceRequest/${id}` })),
  participant: [
    ...patients.map((reference) => ({ actor: { reference }, status: 'accepted' as const })),
    { actor: { reference: 'PractitionerRole/peer' }, status: 'accepted' as const },
  ],
});

describe('withoutSessionContent', () => {
  it("when a cancelled session's content is withheld, then its note, comment and cancellation reason are gone and it is labelled REDACTED", () => {
    const redacted = withoutSessionContent(appointment(['Patient/p1'], ['r1']));
    expect(redacted.extension).toBeUndefined();
    expect(redacted.comment).toBeUndefined();
    expect(redacted.cancelationReason).toBeUndefined();
    expect(redacted.status).toBe('cancelled');
    expect(redacted.meta?.security).toEqual([REDACTED]);
  });
});

describe('otherAttendeesRedaction', () => {
  const redact = otherAttendeesRedaction('Patient/p1', new Set(['r1']));

  it("when a group session's Appointment is seen in one attendee's context, then the other patients and their referrals are left out", () => {
    const seen = redact(appointment(['Patient/p1', 'Patient/p2'], ['r1', 'r2'])) as Appointment;
    expect(seen.participant!.map((p) => p.actor!.reference)).toEqual(['Patient/p1', 'PractitionerRole/peer']);
    expect(seen.basedOn).toEqual([{ reference: 'ServiceRequest/r1' }]);
    expect(seen.meta?.security).toEqual([REDACTED]);
  });

  it("when the Appointment is the attendee's alone, then it passes unchanged", () => {
    const own = appointment(['Patient/p1'], ['r1']);
    expect(redact(own)).toBe(own);
  });
});
