import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { EhrFaults } from './ehr-faults.js';

function appWith(faults: EhrFaults) {
  const app = express();
  app.get('/fhir', faults.middleware('fhir'), (_req, res) => {
    res.json({ resourceType: 'Bundle' });
  });
  app.post('/token', faults.middleware('token'), (_req, res) => {
    res.json({ access_token: 'x' });
  });
  return app;
}

/** The body as it came: supertest would try to parse the truncated JSON itself, and fail. */
function asText(res: request.Response, done: (error: Error | null, body: string) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  let text = '';
  stream.on('data', (chunk) => (text += String(chunk)));
  stream.on('end', () => done(null, text));
}

describe('sandbox EHR faults', () => {
  it('when a fault targets the token endpoint, then the FHIR API is not affected', async () => {
    const faults = new EhrFaults();
    faults.set({ kind: 503, target: 'token', retryAfterSeconds: 3 });
    const app = appWith(faults);
    await request(app).get('/fhir').expect(200);
    const res = await request(app).post('/token').expect(503);
    expect(res.headers['retry-after']).toBe('3');
  });

  it('when a fault has run its seconds, then requests pass again and it is gone', async () => {
    const faults = new EhrFaults();
    faults.set({ kind: 500, target: 'fhir', seconds: 0 });
    await request(appWith(faults)).get('/fhir').expect(200);
    expect(faults.status()).toEqual({ fault: null, failed: 0 });
  });

  it('when a fault has a count, then exactly that many requests fail', async () => {
    const faults = new EhrFaults();
    faults.set({ kind: 'truncated', target: 'fhir', count: 2 });
    const app = appWith(faults);
    for (const _ of [1, 2]) {
      const res = await request(app).get('/fhir').parse(asText).expect(200);
      expect(() => JSON.parse(res.body as string)).toThrow();
    }
    await request(app).get('/fhir').expect(200, { resourceType: 'Bundle' });
    expect(faults.status().failed).toBe(2);
  });
});
