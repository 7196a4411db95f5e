import { defineResource, type Interaction } from '@peerbridge/shared';
import { APPOINTMENT_PROFILE, ENCOUNTER_PROFILE } from './codes.js';

/**
 * Sessions change only through the encounter API (plan, log, cancel, no-show), so the FHIR
 * surface reads them: writes answer 405 and the CapabilityStatement lists none.
 */
const READ_ONLY: readonly Interaction[] = ['read', 'vread', 'history-instance', 'search-type'];

/** US Core 7 Encounter searches (_id, patient, date+patient) and more. */
export const ENCOUNTER = defineResource({
  type: 'Encounter',
  profile: ENCOUNTER_PROFILE,
  interactions: READ_ONLY,
  searchParameters: [
    'patient',
    'subject',
    'date',
    'status',
    'class',
    'type',
    'participant',
    'based-on',
    'part-of',
    'appointment',
  ],
});

export const APPOINTMENT = defineResource({
  type: 'Appointment',
  profile: APPOINTMENT_PROFILE,
  interactions: READ_ONLY,
  searchParameters: ['patient', 'actor', 'date', 'status', 'practitioner', 'based-on', 'service-type'],
});

export const ENCOUNTER_RESOURCES = [ENCOUNTER, APPOINTMENT] as const;
