import { badRequest } from '@peerbridge/shared';

export type RosterRole = 'peer-supporter' | 'coordinator';
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface Certification {
  readonly code: string;
  readonly issuer: string;
  readonly identifier: string;
  /** ISO dates, both inclusive. */
  readonly validFrom: string;
  readonly validUntil: string;
}

export interface Training {
  readonly title: string;
  readonly hours: number;
  readonly completedOn: string;
}

export interface Availability {
  readonly days: readonly Weekday[];
  /** `HH:MM`, program local time. */
  readonly start: string;
  readonly end: string;
}

/** A roster member as a coordinator describes them. */
export interface PeerSupporterProfile {
  readonly name: { readonly given: readonly string[]; readonly family: string };
  readonly languages: readonly string[];
  readonly livedExperience: readonly string[];
  readonly certifications: readonly Certification[];
  readonly trainings: readonly Training[];
  readonly maxCaseload: number;
  readonly availability: readonly Availability[];
  readonly role: RosterRole;
  readonly active: boolean;
}

/** A roster member as stored: the profile, their FHIR resources and their caseload. */
export interface PeerSupporter extends PeerSupporterProfile {
  readonly id: string;
  readonly practitionerRoleId: string;
  readonly practitionerVersion: string;
  readonly practitionerRoleVersion: string;
  readonly activeCareTeams: number;
  readonly lastUpdated: string;
}

/**
 * The rules the contract's schema cannot say: a real BCP 47 tag, certificates that end after
 * they start, availability that ends after it starts. Each refusal names the field.
 */
export function assertValidProfile(profile: PeerSupporterProfile): void {
  profile.languages.forEach((tag, index) => {
    if (!isLanguageTag(tag)) {
      throw badRequest(`"${tag}" is not a BCP 47 language tag`, `languages[${index}]`);
    }
  });
  profile.certifications.forEach((certification, index) => {
    if (certification.validUntil < certification.validFrom) {
      throw badRequest(
        `A certification cannot end (${certification.validUntil}) before it starts (${certification.validFrom})`,
        `certifications[${index}].validUntil`,
      );
    }
  });
  profile.availability.forEach((slot, index) => {
    if (slot.end <= slot.start) {
      throw badRequest(
        `Availability must end after it starts (${slot.start}–${slot.end})`,
        `availability[${index}].end`,
      );
    }
  });
}

/** Well-formed per BCP 47 as ICU checks it (`Intl.getCanonicalLocales` throws otherwise). */
export function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** The primary language subtag, lower-case: `es` for `es-MX`. Matching compares these. */
export function primaryLanguage(tag: string): string {
  return tag.split('-')[0]!.toLowerCase();
}

/** Whether one of the certifications is valid on `date` (ISO, both ends inclusive). */
export function certifiedOn(certifications: readonly Certification[], date: string): boolean {
  return certifications.some((c) => c.validFrom <= date && date <= c.validUntil);
}

export function displayName(name: PeerSupporterProfile['name']): string {
  return [...name.given, name.family].join(' ');
}
