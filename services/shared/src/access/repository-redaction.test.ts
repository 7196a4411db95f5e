import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Observation, QuestionnaireResponse, Resource } from '@medplum/fhirtypes';
import { openTestDatabase } from '../../../../tests/support/test-database.js';
import { createValidator } from '../app/host.js';
import { createAuthContext } from '../auth/auth-context.js';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { ALL_INTERACTIONS, defineResource } from '../fhir/resource-definition.js';
import { parseSearchRequest } from '../fhir/search/search-request.js';
import { FHIR_STORE_MIGRATIONS } from '../fhir/store/fhir-store-migrations.js';
import { restrictionOf, type Audience } from './audience.js';
import { markRedacted, REDACTED, type Redactions } from './redaction.js';
import { Repositories } from './repositories.js';

// The Repository passes what a caller reads through their Redactions (a hook next to the
// Audience): every read path, included resources too; never a write path or a system principal.

const SCHEMA = 'redaction_test';
const BASE_URL = 'https://peerbridge.test';
const OBSERVATION = defineResource({
  type: 'Observation',
  interactions: ALL_INTERACTIONS,
  searchParameters: ['patient', 'derived-from'],
  includes: ['derived-from'],
});
const QUESTIONNAIRE_RESPONSE = defineResource({
  type: 'QuestionnaireResponse',
  interactions: ALL_INTERACTIONS,
  searchParameters: ['patient'],
});

/** Without the free-text note (Observation) or the answers (QuestionnaireResponse). */
const withheld: Redactions = new Map([
  [
    'Observation',
    (resource: Resource): Resource => {
      const { note: _note, ...rest } = resource as Observation;
      return markRedacted(rest);
    },
  ],
  [
    'QuestionnaireResponse',
    (resource: Resource): Resource => {
      const { item: _item, ...rest } = resource as QuestionnaireResponse;
      return markRedacted(rest);
    },
  ],
]);

let db: Database;
let seen: { callers: string[] };
let repositories: Repositories;
beforeAll(async () => {
  db = await openTestDatabase();
  await migrateSchema(db, SCHEMA, [FHIR_STORE_MIGRATIONS]);
  seen = { callers: [] };
  repositories = new Repositories({
    db,
    schema: SCHEMA,
    definitions: [OBSERVATION, QUESTIONNAIRE_RESPONSE],
    validator: createValidator(),
    baseUrl: BASE_URL,
    // Only the clinician's reads are redacted; a restriction-only Audience keeps working beside it.
    audience: async (): Promise<Audience> =>
      new Map([['Observation', restrictionOf(OBSERVATION, [['patient', 'Patient/p1,Patient/p2']])]]),
    redaction: async (caller) => {
      seen.callers.push(caller.subject ?? '');
      return caller.subject === 'clinician' ? withheld : new Map();
    },
  });
});
afterAll(() => db.close());

const clinician = () =>
  createAuthContext({ sub: 'clinician', scope: 'user/*.cruds', iss: 'https://issuer.test' });
const supporter = () =>
  createAuthContext({ sub: 'supporter', scope: 'user/*.cruds', iss: 'https://issuer.test' });

async function recorded(patient: string): Promise<{ response: QuestionnaireResponse; score: Observation }> {
  const system = repositories.forSystem('writer');
  const response = await system.create<QuestionnaireResponse>({
    resourceType: 'QuestionnaireResponse',
    status: 'completed',
    subject: { reference: patient },
    item: [{ linkId: 'q1', answer: [{ valueInteger: 3 }] }],
  });
  const score = await system.create<Observation>({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'Total score' },
    subject: { reference: patient },
    derivedFrom: [{ reference: `QuestionnaireResponse/${response.id}` }],
    valueInteger: 3,
    note: [{ text: 'Said a lot about work.' }],
  });
  return { response, score };
}

describe('Repository redactions', () => {
  it('when a redacted caller reads, vreads, reads history and searches, then every resource returned is redacted, included ones too', async () => {
    const { response, score } = await recorded('Patient/p1');
    const repo = repositories.forCaller(clinician());
    const redacted = (resource: Resource) => {
      expect(resource.meta?.security).toEqual([REDACTED]);
      expect((resource as Observation).note).toBeUndefined();
      expect((resource as QuestionnaireResponse).item).toBeUndefined();
    };
    redacted(await repo.read('Observation', score.id!));
    redacted(await repo.read('QuestionnaireResponse', response.id!));
    redacted(await repo.vread('Observation', score.id!, '1'));
    const { versions, total } = await repo.history('Observation', score.id!, 10, 0);
    expect(total).toBe(1);
    versions.forEach((version) => redacted(version.resource!));
    const result = await repo.search(
      parseSearchRequest(
        OBSERVATION,
        [
          ['patient', 'Patient/p1'],
          ['_include', 'Observation:derived-from'],
        ],
        { strict: true },
      ),
    );
    expect(result.matches.map((r) => r.id)).toEqual([score.id]);
    expect(result.included.map((r) => r.id)).toEqual([response.id]);
    [...result.matches, ...result.included].forEach(redacted);
    // Worked out once per Repository, however many reads it serves.
    expect(seen.callers.filter((caller) => caller === 'clinician').length).toBe(1);
  });

  it('when a redacted caller reads for a write, then the resource is whole, so a write cannot store a redacted copy', async () => {
    const { score } = await recorded('Patient/p2');
    const current = await repositories.forCaller(clinician()).readForWrite('Observation', score.id!, 'u');
    expect(current.note).toEqual([{ text: 'Said a lot about work.' }]);
    expect(current.meta?.security).toBeUndefined();
  });

  it('when a caller without redactions or a system principal reads, then the resource is whole and the store is unchanged', async () => {
    const { score } = await recorded('Patient/p1');
    await repositories.forCaller(clinician()).read('Observation', score.id!);
    for (const repo of [repositories.forCaller(supporter()), repositories.forSystem('reader')]) {
      const read = await repo.read('Observation', score.id!);
      expect(read.note).toEqual([{ text: 'Said a lot about work.' }]);
      expect(read.meta?.security).toBeUndefined();
    }
  });

  it('when the Audience restricts a redacted caller, then what they may not see is still not found', async () => {
    const { score } = await recorded('Patient/elsewhere');
    await expect(repositories.forCaller(clinician()).read('Observation', score.id!)).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('markRedacted', () => {
  it('when a resource is labelled twice, then it carries one REDACTED label beside its other labels', () => {
    const other = { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' };
    const once = markRedacted({ resourceType: 'Basic', code: {}, meta: { security: [other] } } as Resource);
    expect(markRedacted(once).meta?.security).toEqual([other, REDACTED]);
  });
});
