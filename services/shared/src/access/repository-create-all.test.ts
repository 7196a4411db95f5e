import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Observation, QuestionnaireResponse, Resource } from '@medplum/fhirtypes';
import { openTestDatabase } from '../../../../tests/support/test-database.js';
import { createValidator } from '../app/host.js';
import { createAuthContext } from '../auth/auth-context.js';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { OperationOutcomeError } from '../errors/operation-outcome-error.js';
import { EVENT_MIGRATIONS } from '../events/event-migrations.js';
import { ALL_INTERACTIONS, defineResource } from '../fhir/resource-definition.js';
import { parseSearchRequest } from '../fhir/search/search-request.js';
import { FHIR_STORE_MIGRATIONS } from '../fhir/store/fhir-store-migrations.js';
import type { NewResource } from '../fhir/store/resource-store.js';
import { Repositories } from './repositories.js';

// Repository.createAll: resources written together (a response and the Observations derived
// from it) and the event that carries them, in one statement: all of them or nothing.

const SCHEMA = 'create_all_test';
const OBSERVATION = defineResource({
  type: 'Observation',
  interactions: ALL_INTERACTIONS,
  searchParameters: ['patient', 'derived-from', 'code'],
});
const QUESTIONNAIRE_RESPONSE = defineResource({
  type: 'QuestionnaireResponse',
  interactions: ALL_INTERACTIONS,
  searchParameters: ['patient', 'authored'],
});

let db: Database;
let repositories: Repositories;
const validator = createValidator();
beforeAll(async () => {
  db = await openTestDatabase();
  await migrateSchema(db, SCHEMA, [FHIR_STORE_MIGRATIONS, EVENT_MIGRATIONS]);
  repositories = new Repositories({
    db,
    schema: SCHEMA,
    definitions: [OBSERVATION, QUESTIONNAIRE_RESPONSE],
    validator,
    baseUrl: 'https://peerbridge.test',
  });
});
afterAll(() => db.close());

/** A response about `patient` and two Observations derived from it; `observationPatient` for the second. */
function outcome(patient: string, observationPatient = patient): NewResource[] {
  const responseId = randomUUID();
  const response: QuestionnaireResponse = {
    resourceType: 'QuestionnaireResponse',
    // A client's id is replaced by the one chosen for the resource.
    id: 'chosen-by-a-client',
    status: 'completed',
    subject: { reference: `Patient/${patient}` },
    authored: '2026-11-30T10:00:00Z',
  };
  const observation = (subject: string, code: string): Observation => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code }] },
    subject: { reference: `Patient/${subject}` },
    derivedFrom: [{ reference: `QuestionnaireResponse/${responseId}` }],
    valueQuantity: { value: 4, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
  });
  return [
    { resource: response, id: responseId },
    { resource: observation(patient, '44261-6'), id: randomUUID() },
    { resource: observation(observationPatient, '44260-8'), id: randomUUID() },
  ];
}

async function storedIds(entries: readonly NewResource[]): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM ${SCHEMA}.resource WHERE id = ANY($1::text[]) ORDER BY id`,
    [entries.map((entry) => entry.id)],
  );
  return rows.map((row) => row.id);
}

async function eventsAbout(aggregateId: string) {
  return db.query<{ event_type: string; changes: unknown; resources: Resource[] }>(
    `SELECT event_type, changes, resources FROM ${SCHEMA}.event_outbox WHERE aggregate_id = $1`,
    [aggregateId],
  );
}

async function refusal(write: Promise<unknown>): Promise<OperationOutcomeError> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof OperationOutcomeError)) {
    throw new Error(`Expected an OperationOutcomeError, got ${String(error)}`);
  }
  return error;
}

describe('Repository.createAll', () => {
  it('when resources are created together with an event, then each is stored at version 1 and searchable, and one event names and carries them', async () => {
    const resources = outcome('p1');
    const [response] = resources;
    const stored = await repositories.forSystem('writer').createAll(resources, {
      event: { type: 'outcome.recorded', aggregate: { type: 'qr', id: response!.id } },
    });

    expect(stored.map((resource) => resource.id)).toEqual(resources.map((entry) => entry.id));
    expect(stored.map((resource) => resource.meta?.versionId)).toEqual(['1', '1', '1']);
    expect(new Set(stored.map((resource) => resource.meta?.lastUpdated)).size).toBe(1);
    const repo = repositories.forSystem('reader');
    expect(await repo.read('QuestionnaireResponse', response!.id)).toEqual(stored[0]);
    const derived = await repo.search(
      parseSearchRequest(
        OBSERVATION,
        [
          ['derived-from', `QuestionnaireResponse/${response!.id}`],
          ['code', 'http://loinc.org|44260-8'],
        ],
        { strict: true },
      ),
    );
    expect(derived.matches.map((match) => match.id)).toEqual([resources[2]!.id]);

    const events = await eventsAbout(response!.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.event_type).toBe('outcome.recorded');
    expect(events[0]!.changes).toEqual(
      stored.map((resource) => ({ reference: `${resource.resourceType}/${resource.id}`, versionId: '1' })),
    );
    expect(events[0]!.resources).toEqual(stored);
  });

  it('when one of them cannot be stored (its id is taken), then none is stored and no event is appended', async () => {
    const [taken] = await repositories.forSystem('writer').createAll(outcome('p1').slice(1, 2));
    const resources = outcome('p1');
    resources[2] = { ...resources[2]!, id: taken!.id };

    await expect(
      repositories.forSystem('writer').createAll(resources, {
        event: { type: 'outcome.recorded', aggregate: { type: 'qr', id: resources[0]!.id } },
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await storedIds(resources.slice(0, 2))).toEqual([]);
    expect(await eventsAbout(resources[0]!.id)).toEqual([]);
  });

  it("when one of them is in another patient's compartment, then the caller gets 403 and nothing is stored", async () => {
    const patient = createAuthContext({
      sub: 'patient-p1',
      scope: 'patient/*.cruds',
      patient: 'p1',
      iss: 'https://issuer.test',
    });
    const resources = outcome('p1', 'p2');

    const error = await refusal(repositories.forCaller(patient).createAll(resources));
    expect(error.status).toBe(403);
    expect(await storedIds(resources)).toEqual([]);
  });

  it('when a resource was validated already (a FHIR create, at the edge), then it is not validated again under its new id', async () => {
    const [response, ...observations] = outcome('p1');
    validator.validateOnce(response!.resource);
    const validate = jest.spyOn(validator, 'validate');
    try {
      await repositories.forSystem('writer').createAll([response!, ...observations]);
      expect(validate.mock.calls.map(([resource]) => resource.resourceType)).toEqual([
        'Observation',
        'Observation',
      ]);
    } finally {
      validate.mockRestore();
    }
  });

  it('when one of them is not valid FHIR, then the error names its field and nothing is stored', async () => {
    const resources = outcome('p1');
    const { status: _status, ...withoutStatus } = resources[1]!.resource as Observation;
    resources[1] = { ...resources[1]!, resource: withoutStatus as Resource };

    const error = await refusal(repositories.forSystem('writer').createAll(resources));
    expect(error.status).toBe(400);
    expect(error.outcome.issue?.map((issue) => issue.expression)).toContainEqual(['Observation.status']);
    expect(await storedIds(resources)).toEqual([]);
  });
});
