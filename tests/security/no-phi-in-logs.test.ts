import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { referralService } from '@peerbridge/referral';
import { capturedLogger } from '../support/captured-logs.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { sharedTestIssuer } from '../support/test-issuer.js';
import { patientAuthHeader, signToken } from '../support/tokens.js';
import { ehrServiceRequest, referralBody } from '../referral/support/fixtures.js';

// The README's promise "never a body, a token, a query value or any other PHI" in the logs, checked
// end to end: the real logger (JSON, at debug so nothing is filtered out) writes to a buffer while
// a mixed workload runs through the real app, and no line may hold any value the workload sent.

let lines: string[];
let t: TestApp;
beforeAll(async () => {
  const captured = capturedLogger();
  lines = captured.lines;
  t = await startTestApp([referralService], {}, { logger: captured.logger });
});
afterAll(() => t.close());

/** Distinctive values, so that finding one in a log line can only mean it was logged. */
const marker = (what: string) => `${what}${randomUUID().slice(0, 8)}`;
const PHI = {
  patientId: marker('phipatient'),
  otherPatientId: marker('phiother'),
  mrn: marker('PHIMRN'),
  placerNumber: marker('phiplacer'),
  name: marker('Marguerite Okonkwo '),
  note: marker('Sleeps badly since her brother died '),
  reason: marker('Moved in with her sister in Wellington '),
  reasonText: marker('Panic attacks at work '),
  contactTime: marker('After the school run '),
  unknownId: marker('phimissing'),
  searchValue: marker('phisearch'),
};

/**
 * Every 12-character stretch of a token: a log line holding any piece of one (a truncated token,
 * its signature alone) counts as a leak, and no 12 characters of base64url recur by chance.
 */
function fragments(token: string): string[] {
  return Array.from({ length: token.length - 11 }, (_, i) => token.slice(i, i + 12));
}

async function runWorkload(): Promise<{ tokens: string[]; requests: number }> {
  const issuer = await sharedTestIssuer();
  const system = await signToken({ scope: 'system/*.*' });
  const patientToken = (await patientAuthHeader(PHI.otherPatientId)).slice('Bearer '.length);
  const expired = await signToken({ expiresIn: -600 });
  const forged = `${system.slice(0, system.lastIndexOf('.') + 1)}${Buffer.from('forged').toString('base64url')}`;
  const untrusted = await signToken({ claims: { iss: 'https://stranger.example/auth' } });
  const unpublished = await signToken({ kid: await issuer.addKey('RS256', { published: false }) });
  const opaque = `opaque-${randomUUID()}`;
  const tokens = [system, patientToken, expired, forged, untrusted, unpublished, opaque];
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const fhir = { ...as(system), 'Content-Type': 'application/fhir+json' };
  const patient = `Patient/${PHI.patientId}`;
  let requests = 0;
  const send = async (test: request.Test, status: number) => {
    requests += 1;
    const res = await test;
    // The body comes along so that a failure shows why; only the status is compared.
    expect({ url: res.request.url, status: res.status, body: res.body }).toMatchObject({
      url: res.request.url,
      status,
    });
    return res;
  };

  // REST: a referral with a name, notes, a reason and an MRN, read, listed, moved with a reason.
  const created = await send(
    request(t.app)
      .post('/api/referral/referrals')
      .set(as(system))
      .set('Idempotency-Key', randomUUID())
      .send(
        referralBody({
          patient: {
            reference: patient,
            identifier: `urn:oid:2.16.840.1.113883.19.5|${PHI.mrn}`,
          },
          notes: `${PHI.name}: ${PHI.note}`,
          reason: { text: PHI.reasonText },
          preferredContact: { method: 'phone', time: PHI.contactTime },
        }),
      ),
    201,
  );
  const referralId = created.body.id as string;
  await send(request(t.app).get(`/api/referral/referrals/${referralId}`).set(as(system)), 200);
  await send(request(t.app).get(`/api/referral/referrals?patient=${patient}`).set(as(system)), 200);
  await send(
    request(t.app)
      .post(`/api/referral/referrals/${referralId}/status`)
      .set(as(system))
      .send({ status: 'rejected', reason: PHI.reason }),
    200,
  );
  await send(request(t.app).get(`/api/referral/referrals/${referralId}/history`).set(as(system)), 200);
  await send(request(t.app).get(`/api/referral/referrals/${PHI.unknownId}`).set(as(system)), 404);
  await send(
    request(t.app)
      .post('/api/referral/referrals')
      .set(as(system))
      .send({ patient: { display: PHI.name } }),
    400,
  );

  // FHIR: a create from an EHR, searches by patient and identifier (GET and POST _search), reads.
  const serviceRequest = await send(
    request(t.app)
      .post('/fhir/ServiceRequest')
      .set(fhir)
      .send(
        ehrServiceRequest({
          subject: { reference: patient, display: PHI.name },
          identifier: [{ system: 'https://ehr.example.org/referrals', value: PHI.placerNumber }],
          note: [{ text: PHI.note }],
        }),
      ),
    201,
  );
  const id = serviceRequest.body.id as string;
  await send(
    request(t.app)
      .get(
        `/fhir/ServiceRequest?patient=${patient}&identifier=https://ehr.example.org/referrals|${PHI.placerNumber}`,
      )
      .set(as(system)),
    200,
  );
  await send(
    request(t.app)
      .post('/fhir/ServiceRequest/_search')
      .set(as(system))
      .type('form')
      .send({ subject: patient }),
    200,
  );
  await send(request(t.app).get(`/fhir/Task?patient=${patient}&_include=Task:focus`).set(as(system)), 200);
  await send(request(t.app).get(`/fhir/ServiceRequest/${id}`).set(as(system)), 200);
  await send(request(t.app).get(`/fhir/ServiceRequest/${id}/_history/1`).set(as(system)), 200);
  await send(request(t.app).get(`/fhir/ServiceRequest/${PHI.unknownId}`).set(as(system)), 404);

  // FHIR errors: an unknown search parameter and a bad date carrying values, an invalid body.
  await send(request(t.app).get(`/fhir/ServiceRequest?nickname=${PHI.searchValue}`).set(as(system)), 200);
  await send(request(t.app).get(`/fhir/ServiceRequest?authored=${PHI.searchValue}`).set(as(system)), 400);
  await send(
    request(t.app)
      .post('/fhir/ServiceRequest')
      .set(fhir)
      .send({ ...ehrServiceRequest(), status: PHI.searchValue, nickname: PHI.name }),
    400,
  );

  // Another patient's token: the first patient's referral reads as not found.
  await send(request(t.app).get(`/fhir/ServiceRequest/${id}`).set(as(patientToken)), 404);

  // Refused tokens, on both APIs.
  for (const refused of [expired, forged, untrusted, unpublished, opaque]) {
    await send(request(t.app).get(`/fhir/ServiceRequest?patient=${patient}`).set(as(refused)), 401);
    await send(request(t.app).get(`/api/referral/referrals/${referralId}`).set(as(refused)), 401);
  }
  return { tokens, requests };
}

describe('no PHI in logs', () => {
  it('when a mixed workload runs through the real app, then no log line holds a value it sent or a token', async () => {
    const { tokens, requests } = await runWorkload();

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    // Every request left its access line, so the lines checked below are the whole log.
    expect(entries.filter((entry) => entry.message === 'request')).toHaveLength(requests);
    const leaked = [
      ...Object.entries(PHI).map(([what, value]) => [what, value] as const),
      ...tokens.flatMap((token, n) => fragments(token).map((part) => [`token ${n}`, part] as const)),
    ].filter(([, value]) => lines.some((line) => line.includes(value)));
    expect(leaked).toEqual([]);
  });
});
