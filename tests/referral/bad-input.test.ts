import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { referralService } from '@peerbridge/referral';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';
import { expectContract } from './support/contract.js';
import { footprint, referralBody } from './support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService]);
});
afterAll(() => t.close());

async function expectRefusedCreate(body: unknown, status: number, expression: string) {
  const before = await footprint(t.db);
  const res = await fhirClient(t)
    .post('/api/referral/referrals')
    .send(body as object);
  expectContract(res, 'createReferral');
  expect(res.status).toBe(status);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue.map((issue: { expression?: string[] }) => issue.expression?.[0])).toContain(
    expression,
  );
  expect(await footprint(t.db)).toEqual(before);
}

describe('bad createReferral input gets a clear error and changes nothing', () => {
  it('when the patient is missing, then 400 points at patient', async () => {
    const body = referralBody();
    delete body.patient;
    await expectRefusedCreate(body, 400, 'patient');
  });

  it.each([
    ['a Practitioner reference', 'Practitioner/123'],
    ['a bare id', '123'],
    ['an id with spaces', 'Patient/12 3'],
    ['an empty string', ''],
  ])('when the patient reference is %s, then 400 points at patient.reference', async (_, reference) => {
    await expectRefusedCreate(referralBody({ patient: { reference } }), 400, 'patient.reference');
  });

  it('when the patient identifier is not system|value, then 400 points at patient.identifier', async () => {
    await expectRefusedCreate(
      referralBody({ patient: { reference: 'Patient/1', identifier: 'MRN 1' } }),
      400,
      'patient.identifier',
    );
  });

  it('when the priority is unknown, then 400 points at priority', async () => {
    await expectRefusedCreate(referralBody({ priority: 'whenever' }), 400, 'priority');
  });

  it('when a reason code has an unknown system, then 400 points at that code system', async () => {
    await expectRefusedCreate(
      referralBody({
        reason: {
          text: 'Low mood',
          codes: [
            { system: 'http://snomed.info/sct', code: '35489007' },
            { system: 'http://loinc.org', code: '44261-6' },
          ],
        },
      }),
      400,
      'reason.codes[1].system',
    );
  });

  it('when the notes are longer than 2000 characters, then 400 points at notes', async () => {
    await expectRefusedCreate(referralBody({ notes: 'x'.repeat(2001) }), 400, 'notes');
  });

  it('when notes of exactly 2000 characters are sent, then the referral is created with them', async () => {
    const res = await fhirClient(t)
      .post('/api/referral/referrals')
      .send(referralBody({ notes: 'x'.repeat(2000) }));
    expect(res.status).toBe(201);
    expect(res.body.notes).toHaveLength(2000);
  });

  it('when the requester is not a Practitioner, then 400 points at requester.reference', async () => {
    await expectRefusedCreate(
      referralBody({ requester: { reference: 'Patient/1' } }),
      400,
      'requester.reference',
    );
  });

  it('when consent is given without the Consent reference, then 400 points at consent.consentReference', async () => {
    await expectRefusedCreate(
      referralBody({ consent: { shareWithCareTeam: true } }),
      400,
      'consent.consentReference',
    );
  });

  it('when doNotContact is the string "true", then 400 points at doNotContact (bodies are not coerced)', async () => {
    await expectRefusedCreate(referralBody({ doNotContact: 'true' }), 400, 'doNotContact');
  });

  it('when the body has a field the contract does not know, then 400 names it', async () => {
    await expectRefusedCreate(referralBody({ favouriteColour: 'blue' }), 400, 'favouriteColour');
  });

  it('when the body is not JSON, then 400 and nothing is created', async () => {
    const before = await footprint(t.db);
    const res = await fhirClient(t)
      .post('/api/referral/referrals')
      .set('Content-Type', 'application/json')
      .send('{"patient":');
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await footprint(t.db)).toEqual(before);
  });

  it('when the body is sent as text, then 415', async () => {
    const res = await fhirClient(t)
      .post('/api/referral/referrals')
      .set('Content-Type', 'text/plain')
      .send('hello');
    expectContract(res, 'createReferral');
    expect(res.status).toBe(415);
  });
});

describe('bad status changes get a clear error and change nothing', () => {
  let id: string;
  beforeAll(async () => {
    id = (await fhirClient(t).post('/api/referral/referrals').send(referralBody())).body.id;
  });

  it.each(['rejected', 'cancelled'])(
    'when the referral is %s without a reason, then 400 points at reason',
    async (status) => {
      const before = await footprint(t.db);
      const res = await fhirClient(t).post(`/api/referral/referrals/${id}/status`).send({ status });
      expectContract(res, 'changeReferralStatus');
      expect(res.status).toBe(400);
      expect(res.body.issue[0].expression).toEqual(['reason']);
      expect(await footprint(t.db)).toEqual(before);
    },
  );

  it.each(['on-hold', 'failed'])(
    'when an active referral is put %s without a reason, then 400 points at reason',
    async (status) => {
      const other = (await fhirClient(t).post('/api/referral/referrals').send(referralBody())).body.id;
      await fhirClient(t).post(`/api/referral/referrals/${other}/status`).send({ status: 'accepted' });
      await fhirClient(t).post(`/api/referral/referrals/${other}/status`).send({ status: 'in-progress' });
      const before = await footprint(t.db);
      const res = await fhirClient(t).post(`/api/referral/referrals/${other}/status`).send({ status });
      expectContract(res, 'changeReferralStatus');
      expect(res.status).toBe(400);
      expect(res.body.issue[0].expression).toEqual(['reason']);
      expect(await footprint(t.db)).toEqual(before);
    },
  );

  it('when the reason is only spaces, then 400 points at reason', async () => {
    const res = await fhirClient(t)
      .post(`/api/referral/referrals/${id}/status`)
      .send({ status: 'rejected', reason: '   ' });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['reason']);
  });

  it('when the target status is unknown, then 400 points at status', async () => {
    const res = await fhirClient(t).post(`/api/referral/referrals/${id}/status`).send({ status: 'done' });
    expectContract(res, 'changeReferralStatus');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['status']);
  });

  it('when the referral id is malformed, then 400 points at referralId', async () => {
    const res = await fhirClient(t).get('/api/referral/referrals/not%20an%20id');
    expectContract(res, 'getReferral');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['referralId']);
  });

  it('when a list filter is malformed, then 400 points at it', async () => {
    for (const [query, expression] of [
      ['status=finished', 'status[0]'],
      ['limit=0', 'limit'],
      ['authoredFrom=yesterday', 'authoredFrom'],
      ['patient=Group/1', 'patient'],
    ]) {
      const res = await fhirClient(t).get(`/api/referral/referrals?${query}`);
      expectContract(res, 'listReferrals');
      expect(res.status).toBe(400);
      expect(res.body.issue[0].expression).toEqual([expression]);
    }
  });
});

describe('requests outside the contract', () => {
  it('when an undocumented path under /api/referral is requested, then 404 as an OperationOutcome', async () => {
    const res = await fhirClient(t).get('/api/referral/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('when a documented path is called with an undocumented method, then 405 as an OperationOutcome', async () => {
    const res = await fhirClient(t).delete('/api/referral/referrals');
    expect(res.status).toBe(405);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });
});
