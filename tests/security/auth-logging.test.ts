import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import winston from 'winston';
import { referralService } from '@peerbridge/referral';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { signToken } from '../support/tokens.js';

// Refused and accepted requests are logged with a reason, and the token never appears in a log line.

const lines: string[] = [];
let t: TestApp;
beforeAll(async () => {
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.json(),
    transports: [
      new winston.transports.Stream({
        stream: new Writable({
          write(chunk, _encoding, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      }),
    ],
  });
  t = await startTestApp([referralService], {}, { logger });
});
afterAll(() => t.close());

describe('authorization logging', () => {
  it('when a request is refused for an expired token, then the reason is logged and the token is not', async () => {
    const token = await signToken({ expiresIn: -600 });
    const res = await request(t.app).get('/fhir/ServiceRequest').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    const log = lines.join('');
    expect(log).toContain('"reason":"expired"');
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.split('.')[2]!);
  });

  it('when a request succeeds, then the access line does not carry the token either', async () => {
    const token = await signToken();
    const res = await request(t.app).get('/fhir/ServiceRequest').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(lines.join('')).not.toContain(token.split('.')[1]!);
  });
});
