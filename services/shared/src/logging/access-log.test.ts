import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { accessLog } from './access-log.js';
import { createLogger } from './logger.js';

function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: 'info', service: 'test', stream });
  return { logger, lines };
}

describe('accessLog', () => {
  it('when a request carries PHI in its path, query, body and token, then the log line holds none of it', async () => {
    const { logger, lines } = capturingLogger();
    const app = express();
    app.use(accessLog(logger));
    app.use(express.json());
    app.post('/fhir/Patient/:id', (_req, res) => {
      res.status(201).end();
    });

    await request(app)
      .post('/fhir/Patient/jane-doe-1970?name=Jane%20Doe')
      .set('Authorization', 'Bearer secret.token.value')
      .send({ note: 'suicidal ideation' });

    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ service: 'test', method: 'POST', route: '/fhir/Patient/:id', status: 201 });
    expect(typeof line.requestId).toBe('string');
    expect(typeof line.durationMs).toBe('number');
    expect(lines[0]).not.toMatch(/jane|Jane|secret|suicidal|name=/);
  });
});
