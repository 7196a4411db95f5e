import { defineResource, type Interaction } from '@peerbridge/shared';

/**
 * Sessions change only through the encounter API (plan, log, cancel, no-show), so the FHIR
 * surface reads them: writes answer 405 and the CapabilityStatement lists none.
 */
const READ_ONLY: readonly Interaction[] = ['read', 'vread', 'history-instance', 'search-type'];

/** US Core 7 Encounter searches (_id, patient, date+patient) and more. */
export const ENCOUNTER = defineResource({
  type: 'Encounter',
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
  interactions: READ_ONLY,
  searchParameters: ['patient', 'actor', 'date', 'status', 'practitioner', 'based-on', 'service-type'],
});

export const ENCOUNTER_RESOURCES = [ENCOUNTER, APPOINTMENT] as const;
