import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createLogger } from '@peerbridge/shared';
import { developmentSandbox, fetchDemoToken, seedDemoRoster } from '@peerbridge/sandbox';
import { ALL_SERVICES } from '@peerbridge/gateway';
import { eventsSettled } from '../support/events-settled.js';
import { startListeningTestApp, type ListeningTestApp } from '../support/test-app.js';

const SCHEMAS = ALL_SERVICES.map((service) => service.schema);

/**
 * The development host puts the sandbox's demo peer supporter and coordinator on the roster once
 * it listens (HostExtension.started), through the care-team API with the demo backend's token, so
 * that signing in as them means what it says.
 */
describe('the sandbox demo roster', () => {
  let t: ListeningTestApp;
  const logger = createLogger({ level: 'error', service: 'test', silent: true });
  let backend: string;
  // The test issuer's tokens name another audience; the sandbox's name this listening app.
  const bearer = async (as: string, scope: string) =>
    `Bearer ${(await fetchDemoToken({ issuer: `${t.baseUrl}/sandbox/auth`, as, scope })).access_token}`;
  const userToken = (as: string) => bearer(as, 'openid fhirUser user/*.cruds');

  beforeAll(async () => {
    t = await startListeningTestApp(ALL_SERVICES, { SANDBOX: '1' }, { withEvents: true });
    await developmentSandbox.started!(t.config, logger);
    await eventsSettled(t.db, SCHEMAS);
    backend = await bearer('backend', 'system/*.rs');
  });
  afterAll(async () => {
    await t.close();
  });

  it('when the host has started, then the demo peer supporter and coordinator are on the roster under the ids their sign-ins name', async () => {
    const roster = await request(t.app)
      .get('/api/care-team/peer-supporters')
      .set('Authorization', backend)
      .expect(200);
    expect(
      (roster.body as { items: { id: string; role: string; active: boolean }[] }).items
        .map(({ id, role, active }) => ({ id, role, active }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual([
      { id: 'demo-coordinator', role: 'coordinator', active: true },
      { id: 'demo-peer-supporter', role: 'peer-supporter', active: true },
    ]);
  });

  it('when it starts again on the same database, then nothing is added or changed', async () => {
    const before = await request(t.app)
      .get('/api/care-team/peer-supporters/demo-peer-supporter')
      .set('Authorization', backend)
      .expect(200);
    expect(await seedDemoRoster(t.config)).toEqual(['already on the roster', 'already on the roster']);
    const after = await request(t.app)
      .get('/api/care-team/peer-supporters/demo-peer-supporter')
      .set('Authorization', backend)
      .expect(200);
    expect(after.body).toEqual(before.body);
  });

  it('when the demo coordinator signs in, then they administer the program; the demo clinician does not', async () => {
    await request(t.app)
      .get('/api/events/dead-letters')
      .set('Authorization', await userToken('coordinator'))
      .expect(200);
    const clinician = await request(t.app)
      .get('/api/events/dead-letters')
      .set('Authorization', await userToken('clinician'))
      .expect(403);
    expect(clinician.body.issue[0].code).toBe('forbidden');
  });

  it('when the demo peer supporter signs in, then they see their own caseload and not another member’s profile', async () => {
    const token = await userToken('peer-supporter');
    const caseload = await request(t.app)
      .get('/api/care-team/peer-supporters/demo-peer-supporter/caseload')
      .set('Authorization', token)
      .expect(200);
    expect(caseload.body).toEqual({ peerSupporterId: 'demo-peer-supporter', maxCaseload: 10, items: [] });
    await request(t.app)
      .get('/api/care-team/peer-supporters/demo-coordinator')
      .set('Authorization', token)
      .expect(404);
  });
});
