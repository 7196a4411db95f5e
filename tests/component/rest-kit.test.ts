import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import request from 'supertest';
import {
  actorOf,
  IDEMPOTENCY_KEY_MIGRATIONS,
  IdempotencyKeys,
  idempotentRequestOf,
  restApi,
  type OpenApiDocument,
  type RestApiOptions,
  type ServiceModule,
} from '@peerbridge/shared';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { authHeader } from '../support/tokens.js';
import { expectForbidden } from '../security/expectations.js';

// The REST kit as a next service would use it: a contract, a permission per operation, handlers,
// and Idempotency-Keys in the service's own schema. Nothing here is the referral service's.

const error = (description: string) => ({ description, content: { 'application/fhir+json': {} } });
const AUTH_ERRORS = { '401': error('No valid token'), '403': error('Scope missing') };

function kitDocument(): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 'Kit Test API', version: '1.0.0' },
    servers: [{ url: '/api/kittest' }],
    security: [{ smart: [] }],
    paths: {
      '/notes': {
        post: {
          operationId: 'createNote',
          security: [{ smart: ['user/Communication.c'] }],
          parameters: [{ name: 'Idempotency-Key', in: 'header', schema: { type: 'string', minLength: 1 } }],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['topic'],
                  additionalProperties: false,
                  properties: {
                    topic: { type: 'string', maxLength: 20 },
                    tags: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' } },
                  },
                },
              },
            },
          },
          responses: {
            '200': error('Replayed'),
            '201': error('Created'),
            '400': error('Bad'),
            ...AUTH_ERRORS,
          },
        },
      },
      '/notes/{noteId}': {
        get: {
          operationId: 'getNote',
          security: [{ smart: ['user/Communication.r'] }],
          parameters: [
            {
              name: 'noteId',
              in: 'path',
              required: true,
              schema: { type: 'string', pattern: '^[a-z0-9-]+$' },
            },
          ],
          responses: { '200': error('The note'), '400': error('Bad'), ...AUTH_ERRORS },
        },
      },
    },
    components: { securitySchemes: { smart: { type: 'openIdConnect', openIdConnectUrl: 'http://x' } } },
  };
}

const PERMISSIONS: RestApiOptions['permissions'] = {
  createNote: { resourceType: 'Communication', action: 'c' },
  getNote: { resourceType: 'Communication', action: 'r' },
};

const kitModule: ServiceModule = {
  name: 'kittest',
  schema: 'kittest',
  migrations: [IDEMPOTENCY_KEY_MIGRATIONS],
  resources: [],
  createRouter({ config, db }) {
    const keys = new IdempotencyKeys('kittest', { ttlHours: config.idempotencyKeyTtlHours });
    const router = Router();
    router.use(
      '/api/kittest',
      restApi({
        document: kitDocument(),
        permissions: PERMISSIONS,
        routes(api) {
          api.post('/notes', async (req, res) => {
            const idempotency = idempotentRequestOf(req, res);
            const { id, created } = await db.transaction(async (tx) => {
              const earlier = idempotency && (await keys.replayOf(tx, idempotency));
              if (earlier) {
                return { id: earlier, created: false };
              }
              const made = randomUUID();
              if (idempotency) {
                await keys.save(tx, idempotency, made);
              }
              return { id: made, created: true };
            });
            res.status(created ? 201 : 200).json({ id, actor: actorOf(res.locals) });
          });
          api.get('/notes/:noteId', (req, res) => {
            res.json({ id: req.params.noteId });
          });
        },
      }),
    );
    return router;
  },
};

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([kitModule]);
});
afterAll(() => t.close());

describe('a service on the REST kit', () => {
  it('when a permitted, valid request comes, then the handler runs and knows who is calling', async () => {
    const auth = await authHeader('user/Communication.c', { fhirUser: 'Practitioner/p-1' });
    const res = await fhirClient(t, { Authorization: auth })
      .post('/api/kittest/notes')
      .send({ topic: 'intake' });
    expect(res.status).toBe(201);
    expect(res.body.actor).toEqual({
      fhirUser: 'Practitioner/p-1',
      subject: 'test-user',
      clientId: 'test-client',
    });
  });

  it('when the token lacks the scope of the operation, then 403 comes before the body is validated', async () => {
    const auth = await authHeader('user/Communication.r');
    expectForbidden(
      await fhirClient(t, { Authorization: auth }).post('/api/kittest/notes').send({ nope: 1 }),
    );
  });

  it.each([
    [{ topic: 'x'.repeat(21) }, 'topic'],
    [{ topic: 'a', tags: ['ok', 'NOT OK'] }, 'tags[1]'],
    [{ topic: 'a', extra: true }, 'extra'],
  ])('when the body %j breaks the contract, then 400 names %s', async (body, field) => {
    const res = await fhirClient(t).post('/api/kittest/notes').send(body);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].expression).toEqual([field]);
  });

  it('when a path parameter breaks the contract, then 400 names it', async () => {
    const res = await fhirClient(t).get('/api/kittest/notes/NOT_VALID');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['noteId']);
  });

  it('when an undocumented path or method is called, then 404 or 405 as an OperationOutcome', async () => {
    const path = await fhirClient(t).get('/api/kittest/other');
    expect([path.status, path.body.resourceType]).toEqual([404, 'OperationOutcome']);
    const method = await fhirClient(t).delete('/api/kittest/notes');
    expect([method.status, method.body.resourceType]).toEqual([405, 'OperationOutcome']);
  });

  it('when a create is retried with its Idempotency-Key, then the first result is answered from its own schema', async () => {
    const key = randomUUID();
    const first = await fhirClient(t)
      .post('/api/kittest/notes')
      .set('Idempotency-Key', key)
      .send({ topic: 'a' });
    const retry = await fhirClient(t)
      .post('/api/kittest/notes')
      .set('Idempotency-Key', key)
      .send({ topic: 'a' });
    expect([first.status, retry.status]).toEqual([201, 200]);
    expect(retry.body.id).toBe(first.body.id);
    const rows = await t.db.query(
      'SELECT result FROM kittest.idempotent_request WHERE idempotency_key = $1',
      [key],
    );
    expect(rows).toEqual([{ result: first.body.id }]);
  });

  it('when the contract and its docs are fetched without a token, then both are served, titled from the document', async () => {
    const document = await request(t.app).get('/api/kittest/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body.info.title).toBe('Kit Test API');
    const page = await request(t.app).get('/api/kittest/docs/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Kit Test API</title>');
  });
});

describe('restApi at start-up', () => {
  const build =
    (document: OpenApiDocument, permissions = PERMISSIONS) =>
    () =>
      restApi({ document, permissions, routes: () => undefined });

  it('when the permissions match the contract, then the API is built', () => {
    expect(build(kitDocument())).not.toThrow();
  });

  it('when an operation has no permission, then start-up fails naming it', () => {
    expect(build(kitDocument(), { createNote: PERMISSIONS.createNote! })).toThrow(
      'getNote has no permission',
    );
  });

  it('when a permission names an operation the contract lacks, then start-up fails naming it', () => {
    const permissions = {
      ...PERMISSIONS,
      deleteNote: { resourceType: 'Communication', action: 'd' as const },
    };
    expect(build(kitDocument(), permissions)).toThrow(
      'permission for deleteNote, which the document does not have',
    );
  });

  it('when the security of an operation names no scope granting its permission, then start-up fails', () => {
    const permissions = { ...PERMISSIONS, getNote: { resourceType: 'Communication', action: 's' as const } };
    expect(build(kitDocument(), permissions)).toThrow(
      "getNote's security names no scope granting Communication.s",
    );
  });

  it('when an operation does not document its 401 or 403, then start-up fails naming it', () => {
    const document = kitDocument();
    const get = (document.paths['/notes/{noteId}'] as { get: { responses: Record<string, unknown> } }).get;
    delete get.responses['403'];
    expect(build(document)).toThrow('getNote does not document its 403 response');
  });
});
