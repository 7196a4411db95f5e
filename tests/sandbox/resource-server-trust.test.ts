import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { referralService } from '@peerbridge/referral';
import { runTokenCommand } from '@peerbridge/sandbox';
import { startListeningTestApp, type ListeningTestApp } from '../support/test-app.js';

describe('sandbox tokens on the FHIR API', () => {
  let baseUrl: string;
  let t: ListeningTestApp;
  beforeAll(async () => {
    // Listening: the resource server fetches the sandbox's discovery document and JWKS over HTTP
    // like any issuer's.
    t = await startListeningTestApp([referralService], { SANDBOX: '1' });
    baseUrl = t.baseUrl;
  });
  afterAll(async () => {
    await t.close();
  });

  it('when a sandbox backend token reads the FHIR API, then the request is authorized', async () => {
    const token = await runTokenCommand(['--as', 'backend', '--scope', 'system/*.rs', '--url', baseUrl], {});
    await request(t.app).get('/fhir/ServiceRequest').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('when a sandbox clinician token without write scope creates a resource, then it is refused with 403', async () => {
    const token = await runTokenCommand(
      [
        '--as',
        'clinician',
        '--patient',
        'pat-1',
        '--scope',
        'launch openid fhirUser patient/*.rs',
        '--url',
        baseUrl,
      ],
      {},
    );
    const response = await request(t.app)
      .post('/fhir/ServiceRequest')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'ServiceRequest' })
      .expect(403);
    expect(response.headers['www-authenticate']).toContain('insufficient_scope');
  });

  it('when a token from a throwaway in-process sandbox is presented, then it is refused with 401', async () => {
    const token = await runTokenCommand(['--as', 'backend', '--scope', 'system/*.rs', '--in-process'], {});
    await request(t.app).get('/fhir/ServiceRequest').set('Authorization', `Bearer ${token}`).expect(401);
  });
});
