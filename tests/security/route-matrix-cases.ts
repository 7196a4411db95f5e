import type { Bundle, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { expect } from '@jest/globals';
import request from 'supertest';
import type { Express } from 'express';
import { ehrServiceRequest, referralBody } from '../referral/support/fixtures.js';
import { task } from '../support/fixtures.js';
import { referralFor } from './referral-resources.js';

// What the route matrix (route-matrix.test.ts) needs to call each route on a given patient's
// data. The matrix takes its routes from the served OpenAPI documents and the services' resource
// definitions, and fails on a route that has no case here: a new route cannot skip the check.

/** Calls the app with an administrator's (system/*.*) token. */
export type Admin = (test: (agent: ReturnType<typeof request>) => request.Test) => Promise<request.Response>;

export function adminOf(app: Express, authorization: string): Admin {
  return (test) => test(request(app)).set('Authorization', authorization);
}

async function created<T extends Resource>(admin: Admin, resource: T): Promise<T & { id: string }> {
  const res = await admin((agent) => agent.post(`/fhir/${resource.resourceType}`).send(resource));
  expect(res.status).toBe(201);
  return res.body;
}

async function referralTask(admin: Admin, serviceRequest: ServiceRequest): Promise<Task & { id: string }> {
  const res = await admin((agent) => agent.get(`/fhir/Task?focus=ServiceRequest/${serviceRequest.id}`));
  const [entry] = (res.body as Bundle<Task & { id: string }>).entry ?? [];
  return entry!.resource!;
}

/**
 * One instance of a resource type in a patient's compartment. `ownDelete` is what deleting it
 * answers to its own patient: a referral's resources are never deleted (409), others are (204).
 */
export interface InstanceCase {
  readonly variant: string;
  readonly ownDelete: 204 | 409;
  make(admin: Admin, patient: string): Promise<Resource & { id: string }>;
}

export interface TypeCase {
  /** A new resource of the type in the patient's compartment, as a client would create it. */
  body(patient: string, admin: Admin): Promise<Resource>;
  readonly instances: readonly InstanceCase[];
}

export const FHIR_CASES: Readonly<Record<string, TypeCase>> = {
  ServiceRequest: {
    body: async (patient) => referralFor(patient),
    instances: [
      { variant: 'plain', ownDelete: 204, make: (admin, patient) => created(admin, referralFor(patient)) },
      {
        variant: 'referral',
        ownDelete: 409,
        make: (admin, patient) =>
          created(admin, ehrServiceRequest({ subject: { reference: `Patient/${patient}` } })),
      },
    ],
  },
  Task: {
    body: async (patient, admin) => {
      const focus = await created(admin, referralFor(patient));
      return task(`ServiceRequest/${focus.id}`, `Patient/${patient}`);
    },
    instances: [
      {
        variant: 'plain',
        ownDelete: 204,
        make: async (admin, patient) => {
          const focus = await created(admin, referralFor(patient));
          return created(admin, task(`ServiceRequest/${focus.id}`, `Patient/${patient}`));
        },
      },
      {
        variant: 'referral',
        ownDelete: 409,
        make: async (admin, patient) =>
          referralTask(
            admin,
            await created(admin, ehrServiceRequest({ subject: { reference: `Patient/${patient}` } })),
          ),
      },
    ],
  },
};

/**
 * One REST operation: how to call it on a patient's data and what it answers to that patient.
 * `setup` makes the data its path parameters name; list operations narrow by patient in `query`.
 */
export interface OperationCase {
  /** What a patient token gets on its own patient's data. */
  readonly own: number;
  /** Program administration, not patient data: any patient token is refused (403). */
  readonly adminOnly?: boolean;
  /** What a user-level token gets, when it differs from `own`. */
  readonly user?: number;
  setup?(admin: Admin, patient: string): Promise<Record<string, string>>;
  query?(patient: string): Record<string, string>;
  body?(patient: string): Record<string, unknown>;
}

async function referralOf(admin: Admin, patient: string): Promise<Record<string, string>> {
  const res = await admin((agent) =>
    agent
      .post('/api/referral/referrals')
      .send(referralBody({ patient: { reference: `Patient/${patient}` } })),
  );
  expect(res.status).toBe(201);
  return { referralId: res.body.id };
}

export const REST_CASES: Readonly<Record<string, OperationCase>> = {
  createReferral: {
    own: 201,
    body: (patient) => referralBody({ patient: { reference: `Patient/${patient}` } }),
  },
  listReferrals: { own: 200, setup: referralOf, query: (patient) => ({ patient: `Patient/${patient}` }) },
  getReferral: { own: 200, setup: referralOf },
  changeReferralStatus: { own: 200, setup: referralOf, body: () => ({ status: 'accepted' }) },
  getReferralHistory: { own: 200, setup: referralOf },
  listDeadLetters: { own: 403, adminOnly: true, user: 200 },
  replayDeadLetter: {
    own: 403,
    adminOnly: true,
    // No such dead letter: the caller who may replay learns that, nobody else does.
    user: 404,
    setup: async () => ({ deadLetterId: '00000000-0000-4000-8000-000000000000' }),
  },
};
