import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ServiceRequest } from '@medplum/fhirtypes';
import { referralService } from '@peerbridge/referral';
import { capturedLogger } from '../support/captured-logs.js';
import { serviceRequest } from '../support/fixtures.js';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';

const BODY_LIMIT_BYTES = 4096;
let t: TestApp;
let api: ReturnType<typeof fhirClient>;

beforeAll(async () => {
  t = await startTestApp([referralService], { BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) });
  api = fhirClient(t);
});
afterAll(() => t.close());

/** How many ServiceRequests are stored: every bad write below must leave it unchanged. */
async function storedCount(): Promise<number> {
  const res = await api.get('/fhir/ServiceRequest?_count=0');
  return res.body.total as number;
}

async function postRaw(body: string, contentType = 'application/fhir+json') {
  return api.post('/fhir/ServiceRequest').set('Content-Type', contentType).send(body);
}

async function createServiceRequest(): Promise<ServiceRequest> {
  return (await postRaw(JSON.stringify(serviceRequest()))).body as ServiceRequest;
}

function expectOutcome(
  res: { status: number; body: unknown; headers: Record<string, string> },
  status: number,
) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
  expect((res.body as { resourceType: string }).resourceType).toBe('OperationOutcome');
}

describe('bad writes get a clear error and change nothing', () => {
  it('when the body is malformed JSON, then 400', async () => {
    const before = await storedCount();
    const res = await postRaw('{"resourceType": "ServiceRequest", ');
    expectOutcome(res, 400);
    expect(res.body.issue[0].details.text).toBe('The body is not valid JSON');
    expect(await storedCount()).toBe(before);
  });

  it('when resourceType does not match the URL, then 400 pointing at resourceType', async () => {
    const before = await storedCount();
    const res = await postRaw(JSON.stringify({ ...serviceRequest(), resourceType: 'Task' }));
    expectOutcome(res, 400);
    expect(res.body.issue[0].expression).toEqual(['resourceType']);
    expect(await storedCount()).toBe(before);
  });

  it('when the body is a JSON array, then 400', async () => {
    const res = await postRaw(JSON.stringify([serviceRequest()]));
    expectOutcome(res, 400);
  });

  it('when the resource has an unknown element, then 400 pointing at it', async () => {
    const before = await storedCount();
    const res = await postRaw(JSON.stringify({ ...serviceRequest(), favouriteColour: 'blue' }));
    expectOutcome(res, 400);
    expect(res.body.issue[0].expression).toEqual(['ServiceRequest.favouriteColour']);
    expect(await storedCount()).toBe(before);
  });

  it('when status is not in its required value set, then 400 pointing at status', async () => {
    const before = await storedCount();
    const res = await postRaw(JSON.stringify({ ...serviceRequest(), status: 'pending' }));
    expectOutcome(res, 400);
    expect(res.body.issue).toContainEqual(
      expect.objectContaining({ code: 'code-invalid', expression: ['ServiceRequest.status'] }),
    );
    expect(await storedCount()).toBe(before);
  });

  it('when intent and priority hold invalid codes, then both are reported', async () => {
    const res = await postRaw(JSON.stringify({ ...serviceRequest(), intent: 'wish', priority: 'whenever' }));
    expectOutcome(res, 400);
    const expressions = (res.body.issue as { expression: string[] }[]).map((issue) => issue.expression[0]);
    expect(expressions).toEqual(expect.arrayContaining(['ServiceRequest.intent', 'ServiceRequest.priority']));
  });

  it('when an element has the wrong type, then 400 pointing at it', async () => {
    const before = await storedCount();
    const res = await postRaw(JSON.stringify({ ...serviceRequest(), authoredOn: 20240101 }));
    expectOutcome(res, 400);
    expect(res.body.issue[0].expression[0]).toMatch(/^ServiceRequest\.authoredOn/);
    expect(await storedCount()).toBe(before);
  });

  it('when a required element is missing, then 400 pointing at it', async () => {
    const { subject: _subject, ...withoutSubject } = serviceRequest();
    const res = await postRaw(JSON.stringify(withoutSubject));
    expectOutcome(res, 400);
    expect(res.body.issue[0].expression).toEqual(['ServiceRequest.subject']);
  });

  it('when the body is larger than the documented limit, then 413', async () => {
    const before = await storedCount();
    const big = serviceRequest({ note: [{ text: 'x'.repeat(BODY_LIMIT_BYTES * 2) }] });
    const res = await postRaw(JSON.stringify(big));
    expectOutcome(res, 413);
    expect(await storedCount()).toBe(before);
  });

  it('when the body has an unsupported media type, then 415', async () => {
    const before = await storedCount();
    const res = await postRaw('<ServiceRequest xmlns="http://hl7.org/fhir"/>', 'application/fhir+xml');
    expectOutcome(res, 415);
    expect(await storedCount()).toBe(before);
  });

  it('when a PUT is malformed JSON, then 400 and the resource keeps its version', async () => {
    const created = await createServiceRequest();
    const res = await api
      .put(`/fhir/ServiceRequest/${created.id}`)
      .set('Content-Type', 'application/fhir+json')
      .send('{"resourceType":');
    expectOutcome(res, 400);
    const read = await api.get(`/fhir/ServiceRequest/${created.id}`);
    expect(read.body.meta.versionId).toBe('1');
  });

  it('when If-Match is not a version ETag, then 400 (a malformed request, not a failed precondition) and nothing changes', async () => {
    const created = await createServiceRequest();
    const res = await api
      .put(`/fhir/ServiceRequest/${created.id}`)
      .set('Content-Type', 'application/fhir+json')
      .set('If-Match', 'banana')
      .send({ ...created, status: 'revoked' });
    expectOutcome(res, 400);
    expect(res.body.issue[0].details.text).toBe('If-Match must name a version as W/"n"');
    const read = await api.get(`/fhir/ServiceRequest/${created.id}`);
    expect(read.body).toMatchObject({ status: created.status, meta: { versionId: '1' } });
  });

  it('when If-None-Exist names an unknown search parameter, then 400', async () => {
    const before = await storedCount();
    const res = await api
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .set('If-None-Exist', 'shoe-size=42')
      .send(serviceRequest());
    expectOutcome(res, 400);
    expect(await storedCount()).toBe(before);
  });
});

describe('routing and negotiation errors', () => {
  it('when the resource type is unknown, then 404', async () => {
    const res = await api.get('/fhir/Spaceship/1');
    expectOutcome(res, 404);
  });

  it('when the route is unknown outside /fhir, then 404 as an OperationOutcome', async () => {
    const res = await api.get('/nowhere');
    expectOutcome(res, 404);
  });

  it('when a method is not supported on a route, then 405 with Allow', async () => {
    const res = await api
      .patch('/fhir/ServiceRequest/some-id')
      .set('Content-Type', 'application/json-patch+json');
    expectOutcome(res, 405);
    expect(res.headers.allow).toBe('GET, PUT, DELETE');
  });

  it('when POST targets an instance, then 405', async () => {
    const res = await api
      .post('/fhir/ServiceRequest/some-id')
      .set('Content-Type', 'application/fhir+json')
      .send({});
    expectOutcome(res, 405);
  });

  it('when XML is asked for with _format, then 406', async () => {
    const res = await api.get('/fhir/metadata?_format=xml');
    expectOutcome(res, 406);
    expect(res.body.issue[0].expression).toEqual(['_format']);
  });

  it('when only XML is acceptable, then 406', async () => {
    const res = await api.get('/fhir/metadata').set('Accept', 'application/fhir+xml');
    expectOutcome(res, 406);
  });

  it('when _format=json is given, then FHIR JSON is returned', async () => {
    const res = await api.get('/fhir/metadata?_format=json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
  });

  it('when the history of a whole type is asked for, then 405 naming the unsupported interaction, not a bad id', async () => {
    const res = await api.get('/fhir/ServiceRequest/_history');
    expectOutcome(res, 405);
    expect(res.body.issue[0]).toMatchObject({
      code: 'not-supported',
      details: {
        text: 'The history-type interaction is not supported; read the history of one ServiceRequest at ServiceRequest/<id>/_history',
      },
    });
  });

  it('when an id is not a valid FHIR id, then 400 pointing at id', async () => {
    const res = await api.get(`/fhir/ServiceRequest/${'x'.repeat(65)}`);
    expectOutcome(res, 400);
    expect(res.body.issue[0].expression).toEqual(['id']);
  });
});

describe('internal errors', () => {
  it('when the database fails, then 500 with a generic text, and the error is logged in full with the request id', async () => {
    const { logger, lines } = capturedLogger();
    const broken = await startTestApp([referralService], {}, { logger });
    await broken.db.exec('DROP TABLE referral.resource CASCADE');
    const res = await fhirClient(broken).get('/fhir/ServiceRequest/any-id').set('X-Request-Id', 'broken-1');
    await broken.close();

    expectOutcome(res, 500);
    expect(res.body.issue).toEqual([
      { severity: 'error', code: 'exception', details: { text: 'Internal server error' } },
    ]);
    expect(res.text).not.toMatch(/relation|referral\.resource|stack|at /);

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const logged = entries.filter((entry) => entry.message === 'unhandled error');
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'error',
        requestId: 'broken-1',
        error: {
          name: 'error',
          message: 'relation "referral.resource" does not exist',
          stack: expect.stringMatching(/^error: relation "referral\.resource" does not exist\n\s+at /),
        },
      }),
    ]);
    expect(entries).toContainEqual(
      expect.objectContaining({ message: 'request', requestId: 'broken-1', status: 500 }),
    );
  });
});

describe('headers every response carries', () => {
  it('when any request is answered, then helmet headers and a request id are set', async () => {
    const res = await api.get('/fhir/metadata').set('X-Request-Id', 'trace-abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toBe('trace-abc-123');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
