import type { ServiceRequest } from '@medplum/fhirtypes';
import type { EhrFhirClient } from '@peerbridge/ehr-integration';
import { EHR_PROGRAM_ID, ehrPatientId, PEER_SUPPORT_REFERRAL } from '@peerbridge/sandbox';

/** A new peer-support referral in the EHR (through `client`) for a demo patient (1–12); its id. */
export async function createEhrReferral(
  client: EhrFhirClient,
  patient: number,
  changes: Partial<ServiceRequest> = {},
): Promise<string> {
  const created = await client.create({
    ...({} as Record<string, unknown>),
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    code: { coding: [{ ...PEER_SUPPORT_REFERRAL }] },
    subject: { reference: `Patient/${ehrPatientId(patient)}` },
    requester: { reference: 'Practitioner/dr-rivera' },
    performer: [{ reference: `Organization/${EHR_PROGRAM_ID}` }],
    authoredOn: new Date().toISOString(),
    ...changes,
  });
  return created.id as string;
}
