import type { ServiceRequest } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import type { Database } from '@peerbridge/shared';

/** A valid createReferral body for a patient of the test's own. */
export function referralBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    patient: { reference: `Patient/${randomUUID()}`, identifier: 'urn:oid:2.16.840.1.113883.19.5|MRN-1' },
    requester: { reference: 'Practitioner/dr-lee' },
    reason: {
      text: 'Low mood and isolation after discharge',
      codes: [{ system: 'http://snomed.info/sct', code: '35489007', display: 'Depressive disorder' }],
    },
    priority: 'routine',
    preferredLanguage: 'es',
    preferredContact: { method: 'phone', time: 'Weekday evenings' },
    consent: { shareWithCareTeam: true, consentReference: 'Consent/c-1' },
    doNotContact: false,
    notes: 'Prefers a peer supporter who speaks Spanish.',
    ...overrides,
  };
}

/** A peer support referral as an EHR would POST it to /fhir/ServiceRequest. */
export function ehrServiceRequest(overrides: Partial<ServiceRequest> = {}): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    identifier: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PLAC' }] },
        system: 'https://ehr.example.org/referrals',
        value: randomUUID(),
      },
    ],
    status: 'active',
    intent: 'order',
    code: { coding: [{ system: 'http://snomed.info/sct', code: '461481000124109' }] },
    subject: { reference: `Patient/${randomUUID()}` },
    requester: { reference: 'Practitioner/dr-lee' },
    reasonCode: [
      { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F32.9' }], text: 'Depression' },
    ],
    authoredOn: '2026-01-05T09:30:00Z',
    ...overrides,
  };
}

/** Row counts of what a referral write leaves behind, to show a refused request changed nothing. */
export async function footprint(db: Database): Promise<Record<string, number>> {
  const [row] = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM referral.resource) +
              (SELECT count(*)::int FROM referral.resource_version) AS versions,
            (SELECT count(*)::int FROM referral.referral) AS referrals,
            (SELECT count(*)::int FROM referral.referral_transition) AS transitions,
            (SELECT count(*)::int FROM referral.event_outbox) AS events,
            (SELECT count(*)::int FROM referral.idempotent_request) AS keys`,
  );
  return row!;
}
