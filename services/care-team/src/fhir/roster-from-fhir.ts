import type { Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import type {
  Availability,
  Certification,
  PeerSupporterProfile,
  RosterRole,
  Training,
  Weekday,
} from '../domain/peer-supporter.js';
import {
  CASELOAD_CAPACITY_EXTENSION,
  CERTIFICATION_SYSTEM,
  LIVED_EXPERIENCE_EXTENSION,
  PROGRAM_COORDINATOR,
  TRAINING_HOURS_EXTENSION,
  TRAINING_QUALIFICATION,
} from './codes.js';

/** The profile back from the Practitioner and PractitionerRole that toPractitioner* wrote. */
export function profileFromFhir(practitioner: Practitioner, role: PractitionerRole): PeerSupporterProfile {
  const name = practitioner.name?.[0];
  const certifications: Certification[] = [];
  const trainings: Training[] = [];
  for (const qualification of practitioner.qualification ?? []) {
    const coding = qualification.code.coding?.[0];
    if (coding?.system === CERTIFICATION_SYSTEM && coding.code) {
      certifications.push({
        code: coding.code,
        issuer: qualification.issuer?.display ?? '',
        identifier: qualification.identifier?.[0]?.value ?? '',
        validFrom: qualification.period?.start ?? '',
        validUntil: qualification.period?.end ?? '',
      });
    } else if (
      coding?.system === TRAINING_QUALIFICATION.system &&
      coding.code === TRAINING_QUALIFICATION.code
    ) {
      trainings.push({
        title: qualification.code.text ?? '',
        hours: qualification.extension?.find((e) => e.url === TRAINING_HOURS_EXTENSION)?.valueDecimal ?? 0,
        completedOn: qualification.period?.end ?? '',
      });
    }
  }
  const roleCoding = role.code?.[0]?.coding?.[0];
  const rosterRole: RosterRole =
    roleCoding?.system === PROGRAM_COORDINATOR.system && roleCoding.code === PROGRAM_COORDINATOR.code
      ? 'coordinator'
      : 'peer-supporter';
  const availability: Availability[] = (role.availableTime ?? []).map((slot) => ({
    days: (slot.daysOfWeek ?? []) as Weekday[],
    start: (slot.availableStartTime ?? '').slice(0, 5),
    end: (slot.availableEndTime ?? '').slice(0, 5),
  }));
  return {
    name: { given: name?.given ?? [], family: name?.family ?? '' },
    languages: (practitioner.communication ?? []).flatMap((c) => c.coding?.[0]?.code ?? []),
    livedExperience: (role.extension ?? [])
      .filter((e) => e.url === LIVED_EXPERIENCE_EXTENSION)
      .flatMap((e) => e.valueCodeableConcept?.coding?.[0]?.code ?? []),
    certifications,
    trainings,
    maxCaseload: role.extension?.find((e) => e.url === CASELOAD_CAPACITY_EXTENSION)?.valueUnsignedInt ?? 0,
    availability,
    role: rosterRole,
    active: role.active ?? false,
  };
}
