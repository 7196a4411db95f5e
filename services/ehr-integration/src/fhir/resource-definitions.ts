import { defineResource } from '@peerbridge/shared';

/**
 * The read-only copies of referred patients' demographics, taken from the EHR on intake: read,
 * its versions (each refresh is one) and search, for a patient banner; every write answers 405
 * (the EHR is the source of truth).
 */
export const PATIENT = defineResource({
  type: 'Patient',
  interactions: ['read', 'vread', 'history-instance', 'search-type'],
  searchParameters: ['identifier', 'name', 'birthdate'],
});

export const EHR_INTEGRATION_RESOURCES = [PATIENT] as const;
