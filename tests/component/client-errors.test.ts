import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { referralService } from '@peerbridge/referral';
import { createLogger, runServer, type RunningServer } from '@peerbridge/shared';
import { referralBody } from '../referral/support/fixtures.js';
import { serviceRequest } from '../support/fixtures.js';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';

// Client mistakes that once answered 500 with an error-level stack: each is a 4xx
// OperationOutcome now, and nothing of it is logged as an error.

const lines: string[] = [];
const stream = new PassThrough();
stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
const logger = createLogger({ level: 'info', service: 'test', stream });

let t: TestApp;
let server: RunningServer;
let port: number;
beforeAll(async () => {
  t = await startTestApp([referralService], {}, { logger });
  server = await runServer({
    app: t.app,
    port: 0,
    logger,
    shutdownTimeoutMs: 1000,
    onClosed: async () => {},
  });
  const address = server.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => {
  await server.shutdown();
  await t.close();
});

const errorLines = () => lines.filter((line) => JSON.parse(line).level === 'error');

function expectOutcome(res: request.Response, status: number, expression?: string): void {
  expect(res.status).toBe(status);
  expect(res.body.resourceType).toBe('OperationOutcome');
  if (expression) {
    expect(res.body.issue[0].expression).toEqual([expression]);
  }
}

describe('client errors are 4xx OperationOutcomes', () => {
  it.each([
    '/fhir/ServiceRequest/%ff',
    '/fhir/ServiceRequest/%',
    '/fhir/ServiceRequest/%zz',
    '/fhir/ServiceRequest/%C0%AE',
    '/api/referral/referrals/%zz',
  ])('when a path segment is not valid percent-encoding (%s), then 400', async (path) => {
    expectOutcome(await fhirClient(t).get(path), 400);
    expect(errorLines()).toEqual([]);
  });

  it('when a search value holds a NUL, then 400 names the parameter', async () => {
    expectOutcome(await fhirClient(t).get('/fhir/ServiceRequest?patient=%00'), 400, 'patient');
  });

  it('when If-None-Exist holds a NUL, then 400 names the parameter', async () => {
    const res = await fhirClient(t)
      .post('/fhir/ServiceRequest')
      .set('If-None-Exist', 'identifier=%00')
      .send(serviceRequest());
    expectOutcome(res, 400, 'identifier');
  });

  it.each([
    [
      'a NUL in a uri',
      { instantiatesUri: ['http://example.org/\u0000'] },
      'ServiceRequest.instantiatesUri[0]',
    ],
    ['a NUL in a code', { priority: 'routine\u0000' as 'routine' }, 'ServiceRequest.priority'],
    ['a lone surrogate in a note', { note: [{ text: 'x\ud800y' }] }, 'ServiceRequest.note[0].text'],
  ])('when a FHIR body holds %s, then 400 names the element', async (_, extra, expression) => {
    const res = await fhirClient(t)
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .send(JSON.stringify(serviceRequest(extra)));
    expectOutcome(res, 400, expression);
  });

  it('when a REST body holds a lone surrogate, then 400 names the field', async () => {
    const res = await fhirClient(t)
      .post('/api/referral/referrals')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(referralBody({ notes: 'x\ud800' })));
    expectOutcome(res, 400, 'notes');
  });

  it('when a body is nested 10,000 levels deep, then 400', async () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const body = JSON.stringify(serviceRequest()).replace(/}$/, `,"extension":[${deep}]}`);
    const res = await fhirClient(t)
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .send(body);
    expectOutcome(res, 400);
    expect(errorLines()).toEqual([]);
  });

  it('when Content-Encoding says gzip but the body is not compressed, then 400; compressed, then it is read', async () => {
    const json = JSON.stringify(serviceRequest());
    const plain = await fhirClient(t)
      .post('/fhir/ServiceRequest')
      .set({ 'Content-Type': 'application/fhir+json', 'Content-Encoding': 'gzip' })
      .send(json);
    expectOutcome(plain, 400);
    // fetch, not supertest: supertest would serialise a Buffer under a JSON content type.
    const compressed = await fetch(`http://127.0.0.1:${port}/fhir/ServiceRequest`, {
      method: 'POST',
      headers: {
        Authorization: t.authorization,
        'Content-Type': 'application/fhir+json',
        'Content-Encoding': 'gzip',
      },
      body: gzipSync(json),
    });
    expect(compressed.status).toBe(201);
  });

  it('when Content-Encoding is one this server does not read, then 415', async () => {
    const res = await fhirClient(t)
      .post('/fhir/ServiceRequest')
      .set({ 'Content-Type': 'application/fhir+json', 'Content-Encoding': 'compress' })
      .send(JSON.stringify(serviceRequest()));
    expectOutcome(res, 415);
  });

  it.each(['-1', '1.5', 'abc', '1001'])(
    'when _history is asked for _count=%s, then 400 names _count',
    async (count) => {
      const created = await fhirClient(t).post('/fhir/ServiceRequest').send(serviceRequest());
      const res = await fhirClient(t).get(`/fhir/ServiceRequest/${created.body.id}/_history?_count=${count}`);
      expectOutcome(res, 400, '_count');
    },
  );

  it('when a request carries two Authorization headers, then 400 whichever comes first', async () => {
    for (const order of [
      [t.authorization, 'Bearer junk'],
      ['Bearer junk', t.authorization],
    ]) {
      const raw = await rawRequest(
        `GET /fhir/ServiceRequest HTTP/1.1\r\nHost: x\r\nAuthorization: ${order[0]}\r\nAuthorization: ${order[1]}\r\nConnection: close\r\n\r\n`,
      );
      expect(raw).toMatch(/^HTTP\/1\.1 400 /);
      expect(raw).toContain('"expression":["Authorization"]');
    }
  });
});

describe("errors from Node's HTTP parser", () => {
  it('when a header holds a forbidden character, then 400 with an OperationOutcome body', async () => {
    const raw = await rawRequest('GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('X-Content-Type-Options: nosniff');
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).resourceType).toBe('OperationOutcome');
  });

  it('when the headers are too large, then 431 with an OperationOutcome body', async () => {
    const raw = await rawRequest(
      `GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).issue[0].code).toBe('too-long');
  });

  it('when a client goes away in the middle of its body, then it is logged as an aborted request, not an error', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    socket.write(
      `POST /fhir/ServiceRequest HTTP/1.1\r\nHost: x\r\nAuthorization: ${t.authorization}\r\nContent-Type: application/fhir+json\r\nContent-Length: 1000\r\n\r\n{"resourceType":`,
    );
    for (let i = 0; i < 200 && !lines.some((line) => line.includes('"http"') || line.includes('POST')); i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    socket.destroy();
    for (let i = 0; i < 500 && !lines.some((line) => line.includes('request aborted by the client')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(lines.some((line) => line.includes('request aborted by the client'))).toBe(true);
    expect(errorLines()).toEqual([]);
  });
});

function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}
