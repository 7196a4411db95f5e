import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { referralService } from '@peerbridge/referral';
import { serviceRequest } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { expectUnauthorized } from './expectations.js';

const APP_ORIGIN = 'http://localhost:5173';

function preflight(t: TestApp, path: string, origin: string, method: string, headers: string) {
  return request(t.app)
    .options(path)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', method)
    .set('Access-Control-Request-Headers', headers);
}

const listed = (value: string | undefined) =>
  (value ?? '').split(',').map((name) => name.trim().toLowerCase());

describe('CORS with the development default (any loopback origin)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp([referralService]);
  });
  afterAll(() => t.close());

  it('when a loopback app preflights a conditional FHIR update, then 204 without a token, allowing its headers and method', async () => {
    const res = await preflight(
      t,
      '/fhir/ServiceRequest/abc',
      APP_ORIGIN,
      'PUT',
      'authorization, content-type, if-match, prefer',
    );
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(listed(res.headers['access-control-allow-methods'])).toContain('put');
    expect(listed(res.headers['access-control-allow-headers'])).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'if-match', 'if-none-exist', 'prefer']),
    );
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('when a loopback app preflights a REST call with an Idempotency-Key, then 204 allowing it', async () => {
    const res = await preflight(
      t,
      '/api/referral/referrals',
      'http://127.0.0.1:3000',
      'POST',
      'authorization, content-type, idempotency-key',
    );
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:3000');
    expect(listed(res.headers['access-control-allow-headers'])).toContain('idempotency-key');
  });

  it('when a loopback app creates a resource, then it may read the ETag, Location and Last-Modified', async () => {
    const res = await request(t.app)
      .post('/fhir/ServiceRequest')
      .set('Origin', APP_ORIGIN)
      .set('Authorization', t.authorization)
      .set('Content-Type', 'application/fhir+json')
      .send(serviceRequest());
    expect(res.status).toBe(201);
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(listed(res.headers['access-control-expose-headers'])).toEqual(
      expect.arrayContaining(['etag', 'location', 'content-location', 'last-modified']),
    );
  });

  it('when a loopback app calls without a token, then the 401 carries CORS headers, so the app can read why', async () => {
    const res = await request(t.app).get('/fhir/ServiceRequest').set('Origin', APP_ORIGIN);
    expectUnauthorized(res);
    expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(listed(res.headers['access-control-expose-headers'])).toContain('www-authenticate');
  });

  it.each(['/fhir/metadata', '/fhir/.well-known/smart-configuration'])(
    'when a loopback app reads %s, then it is allowed to',
    async (path) => {
      const res = await request(t.app).get(path).set('Origin', APP_ORIGIN);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    },
  );

  it.each(['https://evil.example', 'http://localhost.evil.example:8080', 'null'])(
    'when a page of %s preflights, then it gets no CORS headers and the preflight is refused with 401',
    async (origin) => {
      const res = await preflight(t, '/fhir/ServiceRequest', origin, 'GET', 'authorization');
      expectUnauthorized(res);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    },
  );

  it('when metadata is read, then rest.security.cors is true', async () => {
    const res = await request(t.app).get('/fhir/metadata');
    expect(res.body.rest[0].security.cors).toBe(true);
  });
});

describe('CORS with CORS_ALLOWED_ORIGINS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp([referralService], { CORS_ALLOWED_ORIGINS: 'https://app.example' });
  });
  afterAll(() => t.close());

  it('when the listed origin preflights, then 204 allowing it', async () => {
    const res = await preflight(t, '/fhir/ServiceRequest', 'https://app.example', 'GET', 'authorization');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
  });

  it('when a loopback origin preflights, then it is not allowed: the list replaces the development default', async () => {
    const res = await preflight(t, '/fhir/ServiceRequest', APP_ORIGIN, 'GET', 'authorization');
    expect(res.status).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS turned off (CORS_ALLOWED_ORIGINS empty, as production without a list)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp([referralService], { CORS_ALLOWED_ORIGINS: '' });
  });
  afterAll(() => t.close());

  it('when metadata is read from a loopback page, then no CORS headers come and rest.security.cors is false', async () => {
    const res = await request(t.app).get('/fhir/metadata').set('Origin', APP_ORIGIN);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.body.rest[0].security.cors).toBe(false);
  });
});
