import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { Bundle } from '@medplum/fhirtypes';
import { ALL_SERVICES } from '@peerbridge/gateway';
import { ALL_INTERACTIONS, type Database, type Interaction } from '@peerbridge/shared';
import { eventsSettled } from '../support/events-settled.js';
import { startTestApp } from '../support/test-app.js';
import { authHeader, patientAuthHeader } from '../support/tokens.js';
import { rosterMember } from './care-team-resources.js';
import { MATRIX_EHR_CONNECTIONS, usePatientCopies } from './ehr-integration-resources.js';
import { expectForbidden } from './expectations.js';
import { adminOf, FHIR_CASES, REST_CASES, type InstanceCase } from './route-matrix-cases.js';

// The scope x compartment matrix over every route there is: every operation of every served
// OpenAPI document and every FHIR interaction of every resource definition, for a token confined
// to one patient (alice). On another patient's (bob's) data reads answer 404, searches find
// nothing and writes answer 403, changing nothing; on alice's own data the same calls succeed
// (so a 404 is the compartment at work, not a broken route); a user-level token without a
// compartment is let through on bob's data; a token with no scope for the route gets 403.
// A FHIR interaction a resource definition does not declare (the care-team types are read-only)
// answers 405 to everyone, changing nothing.

const t = await startTestApp(ALL_SERVICES, { EHR_CONNECTIONS: MATRIX_EHR_CONNECTIONS }, { withEvents: true });
afterAll(() => t.close());
usePatientCopies(t.db);
const admin = adminOf(t.app, t.authorization);
const alice = randomUUID();
const bob = randomUUID();

const aliceToken = () => patientAuthHeader(alice);
// A user without a patient context: a program coordinator's sign-in, whom the care-team service
// lets run the program (the referral service looks at the scopes alone).
const coordinator = await rosterMember(admin, { role: 'coordinator' });
// Every service learns of the coordinator from the roster's events before it is asked.
await eventsSettled(
  t.db,
  ALL_SERVICES.map((service) => service.schema),
);
const userToken = () => authHeader('user/*.cruds', { fhirUser: `Practitioner/${coordinator}` });
// The same scopes for a clinician, whom no roster names: not one of the program's administrators.
const clinicianToken = () => authHeader('user/*.cruds', { fhirUser: `Practitioner/${randomUUID()}` });
// A scope for a type no route serves (Observation is the encounter service's now).
const unrelatedScopeToken = () => patientAuthHeader(alice, 'patient/Immunization.rs');

interface Operation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const operations: Operation[] = [];
// Each service's REST API, and the events admin API the host serves beside them.
for (const api of [...ALL_SERVICES.map((service) => service.name), 'events']) {
  const res = await request(t.app).get(`/api/${api}/openapi.json`);
  expect(res.status).toBe(200);
  const base: string = res.body.servers[0].url;
  for (const [path, item] of Object.entries(res.body.paths as Record<string, Record<string, unknown>>)) {
    for (const method of METHODS) {
      const operation = item[method] as { operationId: string } | undefined;
      if (operation) {
        operations.push({ operationId: operation.operationId, method, path: `${base}${path}` });
      }
    }
  }
}

/**
 * Rows in every table of every service's schema: a refused write must leave them as they were.
 * Counted once the events already caused have been consumed (the care-team service consumes the
 * referral service's), so that only the call in between can make a difference.
 */
async function footprint(db: Database): Promise<Record<string, number>> {
  await eventsSettled(
    db,
    ALL_SERVICES.map((service) => service.schema),
  );
  const counts: Record<string, number> = {};
  for (const service of ALL_SERVICES) {
    const tables = await db.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [service.schema],
    );
    for (const { table_name: table } of tables) {
      const [row] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${service.schema}.${table}`,
      );
      counts[`${service.schema}.${table}`] = row!.n;
    }
  }
  return counts;
}

/** Makes the operation's data for the patient, then calls it; `before` is the footprint just before the call. */
async function callOperation(operation: Operation, patient: string, authorization: string) {
  const operationCase = REST_CASES[operation.operationId]!;
  const params = (await operationCase.setup?.(admin, patient)) ?? {};
  const url = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    expect(params).toHaveProperty(name);
    return params[name]!;
  });
  const method = operation.method as (typeof METHODS)[number];
  let test = request(t.app)[method](url).set('Authorization', authorization);
  if (operationCase.query) test = test.query(operationCase.query(patient, params));
  if (operationCase.body) test = test.send(operationCase.body(patient, params));
  const before = await footprint(t.db);
  return { res: await test, before };
}

/** 403; with RFC 6750's insufficient_scope challenge unless the refusal is about the caller's role. */
function expectRefused(operation: Operation, res: request.Response) {
  if (REST_CASES[operation.operationId]!.refusedByRole) {
    expect(res.status).toBe(403);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].code).toBe('forbidden');
  } else {
    expectForbidden(res);
  }
}

const isInstanceRead = (operation: Operation) => operation.method === 'get' && operation.path.includes('{');
const isList = (operation: Operation) => operation.method === 'get' && !operation.path.includes('{');

describe('REST operations of every served OpenAPI document', () => {
  it('when the documents are read, then every operation has a matrix case and every case an operation', () => {
    expect(operations.length).toBeGreaterThanOrEqual(5);
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(
      Object.keys(REST_CASES).sort(),
    );
  });

  it.each(operations.map((operation) => [operation.operationId, operation] as const))(
    "when a patient token calls %s on another patient's data, then it is not found or refused and nothing is written",
    async (_, operation) => {
      const { res, before } = await callOperation(operation, bob, await aliceToken());
      if (REST_CASES[operation.operationId]!.adminOnly) {
        expectRefused(operation, res);
      } else if (isInstanceRead(operation)) {
        expect(res.status).toBe(404);
        expect(res.body.resourceType).toBe('OperationOutcome');
      } else if (isList(operation)) {
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ items: [], total: 0 });
      } else {
        expectRefused(operation, res);
      }
      expect(await footprint(t.db)).toEqual(before);
    },
  );

  it.each(operations.map((operation) => [operation.operationId, operation] as const))(
    "when a patient token calls %s on its own patient's data, then it succeeds (program administration: 403)",
    async (_, operation) => {
      const { res } = await callOperation(operation, alice, await aliceToken());
      expect(res.status).toBe(REST_CASES[operation.operationId]!.own);
      if (res.status === 403) {
        expectRefused(operation, res);
      }
      if (isList(operation) && res.status === 200) {
        expect(res.body.total).toBe(1);
      }
    },
  );

  it.each(operations.map((operation) => [operation.operationId, operation] as const))(
    "when a user-level token calls %s on any patient's data, then it succeeds",
    async (_, operation) => {
      const { res } = await callOperation(operation, bob, await userToken());
      const operationCase = REST_CASES[operation.operationId]!;
      expect(res.status).toBe(operationCase.user ?? operationCase.own);
    },
  );

  it.each(
    operations
      .filter((operation) => REST_CASES[operation.operationId]!.administration)
      .map((operation) => [operation.operationId, operation] as const),
  )(
    "when a clinician's user-level token for every type calls %s, then 403 by role and nothing is written",
    async (_, operation) => {
      const { res, before } = await callOperation(operation, bob, await clinicianToken());
      expect(res.status).toBe(403);
      expect(res.body.issue[0].code).toBe('forbidden');
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(await footprint(t.db)).toEqual(before);
    },
  );

  it.each(operations.map((operation) => [operation.operationId, operation] as const))(
    'when a token with no scope for it calls %s, then 403',
    async (_, operation) => {
      expectForbidden((await callOperation(operation, alice, await unrelatedScopeToken())).res);
    },
  );
});

interface FhirRoute {
  readonly type: string;
  readonly interaction: Interaction;
  /** Whether the type's definition declares the interaction (else it answers 405). */
  readonly supported: boolean;
  readonly instance: InstanceCase;
}

// Every interaction of every type, declared or not: the undeclared ones must answer 405.
const fhirRoutes: FhirRoute[] = ALL_SERVICES.flatMap((service) =>
  service.resources.flatMap((definition) =>
    ALL_INTERACTIONS.flatMap((interaction) =>
      // A create makes a new resource, so it has one case per type, not one per kind of instance.
      (FHIR_CASES[definition.type]?.instances ?? [undefined])
        .slice(0, interaction === 'create' ? 1 : undefined)
        .map((instance) => ({
          type: definition.type,
          interaction,
          supported: definition.interactions.includes(interaction),
          instance: instance!,
        })),
    ),
  ),
);

const WRITES: readonly Interaction[] = ['create', 'update', 'delete'];

/** Makes an instance for the patient, then calls the interaction; `before` is the footprint just before the call. */
async function callFhir(route: FhirRoute, patient: string, authorization: string) {
  const { type, interaction } = route;
  const agent = request(t.app);
  let call: request.Test;
  if (interaction === 'create') {
    const body = FHIR_CASES[type]!.body;
    call = agent
      .post(`/fhir/${type}`)
      .send(await (body ? body(patient, admin) : madeWithoutId(route, patient)));
  } else {
    const resource = await route.instance.make(admin, patient);
    const instanceUrl = `/fhir/${type}/${resource.id}`;
    call = {
      read: () => agent.get(instanceUrl),
      vread: () => agent.get(`${instanceUrl}/_history/1`),
      'history-instance': () => agent.get(`${instanceUrl}/_history`),
      'search-type': () => agent.get(`/fhir/${type}`).query({ _id: resource.id }),
      update: () => agent.put(instanceUrl).send(resource),
      delete: () => agent.delete(instanceUrl),
    }[interaction]();
  }
  const before = await footprint(t.db);
  return { res: await call.set('Authorization', authorization), before };
}

/** For a type without FHIR create: an instance made through the domain, posted as new. */
async function madeWithoutId(route: FhirRoute, patient: string) {
  const { id: _id, meta: _meta, ...resource } = await route.instance.make(admin, patient);
  return resource;
}

/** An undeclared interaction: 405 with an OperationOutcome, whoever asks, and nothing written. */
async function expectNotAllowed(route: FhirRoute, patient: string, authorization: string) {
  const { res, before } = await callFhir(route, patient, authorization);
  expect(res.status).toBe(405);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(await footprint(t.db)).toEqual(before);
}

/** What a patient token meets on data it may not see: reads 404, searches nothing, writes 403. */
async function expectHidden(route: FhirRoute, patient: string) {
  const { interaction } = route;
  const { res, before } = await callFhir(route, patient, await aliceToken());
  if (interaction === 'search-type') {
    expect(res.status).toBe(200);
    expect(matches(res.body)).toEqual([]);
  } else if (WRITES.includes(interaction)) {
    expectForbidden(res);
  } else {
    expect(res.status).toBe(404);
  }
  if (interaction !== 'search-type') {
    expect(res.body.resourceType).toBe('OperationOutcome');
  }
  expect(await footprint(t.db)).toEqual(before);
}

const matches = (bundle: Bundle) => (bundle.entry ?? []).filter((entry) => entry.search?.mode === 'match');
const fhirCases = fhirRoutes.map(
  (route) => [route.type, route.interaction, route.instance?.variant, route] as const,
);

describe('FHIR interactions of every resource definition', () => {
  it('when the definitions are read, then every resource type has a matrix case', () => {
    expect(fhirRoutes.filter((route) => route.supported).length).toBeGreaterThanOrEqual(26);
    for (const route of fhirRoutes) {
      expect([route.type, route.instance]).toEqual([route.type, expect.anything()]);
    }
  });

  it.each(fhirCases)(
    "when a patient token makes a %s %s on another patient's %s resource, then it is not found or refused (undeclared: 405) and nothing is written",
    async (_type, _interaction, _variant, route) => {
      if (!route.supported) {
        return expectNotAllowed(route, bob, await aliceToken());
      }
      await expectHidden(route, bob);
    },
  );

  it.each(fhirCases)(
    "when a patient token makes a %s %s on its own patient's %s resource, then it succeeds (outside the compartment: hidden; undeclared: 405)",
    async (type, interaction, _variant, route) => {
      if (!route.supported) {
        return expectNotAllowed(route, alice, await aliceToken());
      }
      if (FHIR_CASES[type]!.inPatientCompartment === false) {
        return expectHidden(route, alice);
      }
      const { res } = await callFhir(route, alice, await aliceToken());
      const expected = { create: 201, delete: route.instance.ownDelete }[interaction as string] ?? 200;
      expect(res.status).toBe(expected);
      if (interaction === 'search-type') {
        expect(matches(res.body)).toHaveLength(1);
      }
    },
  );

  it.each(fhirCases)(
    "when a user-level token makes a %s %s on any patient's %s resource, then it is let through (undeclared: 405)",
    async (_type, interaction, _variant, route) => {
      if (!route.supported) {
        return expectNotAllowed(route, bob, await userToken());
      }
      const { res } = await callFhir(route, bob, await userToken());
      const expected = { create: 201, delete: route.instance.ownDelete }[interaction as string] ?? 200;
      expect(res.status).toBe(expected);
    },
  );

  it.each(fhirCases)(
    'when a token with no scope for it makes a %s %s (%s), then 403 (undeclared: 405)',
    async (_type, _interaction, _variant, route) => {
      if (!route.supported) {
        return expectNotAllowed(route, alice, await unrelatedScopeToken());
      }
      const { res } = await callFhir(route, alice, await unrelatedScopeToken());
      expectForbidden(res);
    },
  );
});
