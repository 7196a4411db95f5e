import type {
  Extension,
  Practitioner,
  PractitionerQualification,
  PractitionerRole,
} from '@medplum/fhirtypes';
import type { PeerSupporterProfile } from '../domain/peer-supporter.js';
import {
  CASELOAD_CAPACITY_EXTENSION,
  CERTIFICATION_SYSTEM,
  LANGUAGE_SYSTEM,
  LIVED_EXPERIENCE_EXTENSION,
  LIVED_EXPERIENCE_SYSTEM,
  PEER_SPECIALIST,
  PROGRAM_COORDINATOR,
  ROSTER_IDENTIFIER_SYSTEM,
  TRAINING_HOURS_EXTENSION,
  TRAINING_QUALIFICATION,
} from './codes.js';

/**
 * A roster member as a Practitioner: their roster identifier, name, languages as `communication` (BCP 47), each
 * certification and each training as a `qualification` (certifications with PeerBridge's
 * peer-certification code, issuer, number and validity; trainings with the training code, the
 * title as text, the hours as an extension and the completion date as period.end).
 */
export function toPractitioner(id: string, profile: PeerSupporterProfile): Practitioner & { id: string } {
  const qualification: PractitionerQualification[] = [
    ...profile.certifications.map((certification) => ({
      identifier: [{ value: certification.identifier }],
      code: { coding: [{ system: CERTIFICATION_SYSTEM, code: certification.code }] },
      period: { start: certification.validFrom, end: certification.validUntil },
      issuer: { display: certification.issuer },
    })),
    ...profile.trainings.map((training) => ({
      extension: [{ url: TRAINING_HOURS_EXTENSION, valueDecimal: training.hours }],
      code: { coding: [{ ...TRAINING_QUALIFICATION }], text: training.title },
      period: { end: training.completedOn },
    })),
  ];
  return {
    resourceType: 'Practitioner',
    id,
    identifier: [{ system: ROSTER_IDENTIFIER_SYSTEM, value: id }],
    active: profile.active,
    name: [{ use: 'official', family: profile.name.family, given: [...profile.name.given] }],
    ...(profile.languages.length > 0
      ? {
          communication: profile.languages.map((tag) => ({
            coding: [{ system: LANGUAGE_SYSTEM, code: tag }],
          })),
        }
      : {}),
    ...(qualification.length > 0 ? { qualification } : {}),
  };
}

/**
 * Their role in the program as a PractitionerRole: NUCC 175T00000X Peer Specialist or the
 * coordinator code, the program's Organization, weekly availability, and PeerBridge's
 * extensions for lived experience and caseload capacity.
 */
export function toPractitionerRole(
  roleId: string,
  practitionerId: string,
  profile: PeerSupporterProfile,
  program: string,
): PractitionerRole & { id: string } {
  const extension: Extension[] = [
    ...profile.livedExperience.map((code) => ({
      url: LIVED_EXPERIENCE_EXTENSION,
      valueCodeableConcept: { coding: [{ system: LIVED_EXPERIENCE_SYSTEM, code }] },
    })),
    { url: CASELOAD_CAPACITY_EXTENSION, valueUnsignedInt: profile.maxCaseload },
  ];
  const code = profile.role === 'coordinator' ? PROGRAM_COORDINATOR : PEER_SPECIALIST;
  return {
    resourceType: 'PractitionerRole',
    id: roleId,
    extension,
    active: profile.active,
    practitioner: { reference: `Practitioner/${practitionerId}` },
    organization: { reference: program },
    code: [{ coding: [{ ...code }] }],
    ...(profile.availability.length > 0
      ? {
          availableTime: profile.availability.map((slot) => ({
            daysOfWeek: [...slot.days],
            availableStartTime: `${slot.start}:00`,
            availableEndTime: `${slot.end}:00`,
          })),
        }
      : {}),
  };
}
