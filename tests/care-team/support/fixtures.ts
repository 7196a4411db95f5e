import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { fhirClient, type TestApp } from '../../support/test-app.js';
import { authHeader } from '../../support/tokens.js';

/** A valid createPeerSupporter body: a certified Spanish- and English-speaking peer supporter. */
export function peerSupporterBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: { given: ['Maria'], family: 'Lopez' },
    languages: ['es-MX', 'en'],
    livedExperience: ['depression', 'parent-carer'],
    certifications: [
      {
        code: 'ncps',
        issuer: 'Mental Health America',
        identifier: `NCPS-${randomUUID().slice(0, 8)}`,
        validFrom: '2024-03-01',
        validUntil: '2099-02-28',
      },
    ],
    trainings: [{ title: 'Intentional Peer Support core training', hours: 40, completedOn: '2023-11-17' }],
    maxCaseload: 12,
    availability: [{ days: ['mon', 'wed'], start: '17:00', end: '20:00' }],
    role: 'peer-supporter',
    ...overrides,
  };
}

/** Adds a roster member with the program's (system) token; returns their id. */
export async function addToRoster(t: TestApp, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await fhirClient(t).post('/api/care-team/peer-supporters').send(peerSupporterBody(overrides));
  if (res.status !== 201) {
    throw new Error(`addToRoster answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res.body.id as string;
}

/** `Bearer …` for a person signed in as Practitioner/<id> (a roster member or a clinician). */
export function userToken(practitionerId: string, scope = 'user/*.cruds', patient?: string): Promise<string> {
  return authHeader(scope, { fhirUser: `Practitioner/${practitionerId}`, ...(patient ? { patient } : {}) });
}

/** A supertest agent acting with the given Authorization. */
export function as(t: TestApp, authorization: string) {
  return fhirClient(t, { Authorization: authorization });
}

export type Agent = ReturnType<typeof as>;
export type { Test };
