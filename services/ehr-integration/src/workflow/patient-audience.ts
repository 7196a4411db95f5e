import { restrictionOf, type AudienceRule, type AuthContext } from '@peerbridge/shared';
import { PATIENT } from '../fhir/resource-definitions.js';

/**
 * Whom a patient copy is for, beyond the SMART scopes: a clinician launched from the EHR with a
 * patient in context (a user token with `patient`) sees that patient only; a patient token sees
 * its own (the scopes' patient compartment already says so); the program's staff (user tokens
 * without a patient context, in PeerBridge's own apps) and system clients see every referred patient.
 */
export const patientAudience: AudienceRule = async (caller: AuthContext) =>
  caller.patient ? new Map([[PATIENT.type, restrictionOf(PATIENT, [['_id', caller.patient]])]]) : new Map();
