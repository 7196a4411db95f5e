import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { careTeamService } from '@peerbridge/care-team';
import { encounterService } from '@peerbridge/encounter';
import { referralService } from '@peerbridge/referral';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { patientAuthHeader } from '../support/tokens.js';
import { as, userToken } from '../care-team/support/fixtures.js';
import { expectContract } from './support/contract.js';
import { peerSupporterKnownToSessions, referralWithPeerSupporter } from './support/program.js';
import { gad7Outcome, phq9Outcome } from './support/outcomes.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService, careTeamService, encounterService], {}, { withEvents: true });
});
afterAll(() => t.close());

const SOURCE = 'NHS Talking Therapies for anxiety and depression Manual (formerly IAPT), NHS England';

/** A patient on a new peer supporter's caseload with one PHQ-9 recorded, and their trend's path. */
async function patientWithOnePhq9(): Promise<{ patient: string; path: string }> {
  const peer = await peerSupporterKnownToSessions(t);
  const { referralId, patient } = await referralWithPeerSupporter(t, peer);
  const recorded = await as(t, await userToken(peer))
    .post('/api/encounter/outcomes')
    .send(phq9Outcome(referralId, 4));
  expect(recorded.status).toBe(201);
  return {
    patient,
    path: `/api/encounter/${patient.replace('Patient/', 'patients/')}/outcomes?instrument=phq-9`,
  };
}

describe('getOutcomeTrend', () => {
  it('when PHQ-9 15 and GAD-7 12 become 8 and 6, then the trend shows a reliable improvement, recovery and reliable recovery, with the thresholds cited', async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const { referralId, patient } = await referralWithPeerSupporter(t, peer);
    const api = as(t, await userToken(peer));
    for (const [body, authored] of [
      [phq9Outcome(referralId, 15), '2026-10-01T10:00:00Z'],
      [gad7Outcome(referralId, 12), '2026-10-01T10:05:00Z'],
      [phq9Outcome(referralId, 11), '2026-10-15T10:00:00Z'],
      [phq9Outcome(referralId, 8), '2026-11-01T10:00:00Z'],
      [gad7Outcome(referralId, 6), '2026-11-01T10:05:00Z'],
    ] as const) {
      expect((await api.post('/api/encounter/outcomes').send({ ...body, authored })).status).toBe(201);
    }
    const res = await api.get(
      `/api/encounter/${patient.replace('Patient/', 'patients/')}/outcomes?instrument=phq-9`,
    );
    expectContract(res, 'getOutcomeTrend');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      patient,
      instrument: 'phq-9',
      series: [
        { effective: '2026-10-01T10:00:00Z', score: 15, band: { code: 'phq-9-moderately-severe' } },
        { effective: '2026-10-15T10:00:00Z', score: 11, band: { code: 'phq-9-moderate' } },
        { effective: '2026-11-01T10:00:00Z', score: 8, band: { code: 'phq-9-mild' } },
      ],
      baseline: { score: 15 },
      latest: { score: 8 },
      change: -7,
      reliableImprovement: true,
      reliableDeterioration: false,
      casenessAtBaseline: true,
      casenessAtLatest: false,
      thresholds: { reliableChange: { value: 6, source: SOURCE }, caseness: { value: 10, source: SOURCE } },
    });
    expect(res.body.recovery).toEqual({
      pairs: [
        { effective: '2026-10-01T10:00:00Z', phq9: 15, gad7: 12 },
        { effective: '2026-11-01T10:00:00Z', phq9: 8, gad7: 6 },
      ],
      baseline: { effective: '2026-10-01T10:00:00Z', phq9: 15, gad7: 12 },
      latest: { effective: '2026-11-01T10:00:00Z', phq9: 8, gad7: 6 },
      caseAtBaseline: true,
      caseAtLatest: false,
      recovery: true,
      reliableImprovement: true,
      reliableDeterioration: false,
      reliableRecovery: true,
      thresholds: {
        phq9Caseness: { value: 10, source: SOURCE },
        phq9ReliableChange: { value: 6, source: SOURCE },
        gad7Caseness: { value: 8, source: SOURCE },
        gad7ReliableChange: { value: 4, source: SOURCE },
      },
    });

    const anxiety = await api.get(
      `/api/encounter/${patient.replace('Patient/', 'patients/')}/outcomes?instrument=gad-7`,
    );
    expectContract(anxiety, 'getOutcomeTrend');
    expect(anxiety.body).toMatchObject({
      change: -6,
      reliableImprovement: true,
      recovery: { reliableRecovery: true },
    });
  });

  it('when the patient has no score of the instrument yet, then an empty series and no flag', async () => {
    const peer = await peerSupporterKnownToSessions(t);
    const { patient } = await referralWithPeerSupporter(t, peer);
    const res = await as(t, await userToken(peer)).get(
      `/api/encounter/${patient.replace('Patient/', 'patients/')}/outcomes?instrument=swemwbs`,
    );
    expectContract(res, 'getOutcomeTrend');
    expect(res.body).toEqual({
      patient,
      instrument: 'swemwbs',
      series: [],
      reliableImprovement: false,
      reliableDeterioration: false,
      thresholds: { reliableChange: { value: 3, source: expect.any(String) } },
    });
  });

  it("when a peer supporter or a patient asks for a patient who is not theirs, then 404; the patient's own token sees it", async () => {
    const { patient, path } = await patientWithOnePhq9();
    const stranger = await peerSupporterKnownToSessions(t);
    const refused = await as(t, await userToken(stranger)).get(path);
    expectContract(refused, 'getOutcomeTrend');
    expect(refused.status).toBe(404);
    expect(refused.body.issue[0].expression).toEqual(['patientId']);
    expect((await as(t, await patientAuthHeader('someone-else')).get(path)).status).toBe(404);
    const own = await as(t, await patientAuthHeader(patient.replace('Patient/', ''))).get(path);
    expect(own.status).toBe(200);
    expect(own.body.series).toHaveLength(1);
  });

  it("when a clinician's launch context is another patient, then 404 naming patientId; with this patient in it, then 200", async () => {
    const { patient, path } = await patientWithOnePhq9();
    const elsewhere = await as(t, await userToken('dr-lee', 'user/*.cruds', 'someone-else')).get(path);
    expectContract(elsewhere, 'getOutcomeTrend');
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.issue[0].expression).toEqual(['patientId']);
    const here = await as(t, await userToken('dr-lee', 'user/*.cruds', patient.replace('Patient/', ''))).get(
      path,
    );
    expectContract(here, 'getOutcomeTrend');
    expect(here.status).toBe(200);
    expect(here.body.patient).toBe(patient);
  });

  it('when the instrument is not one PeerBridge scores, then 400 naming it', async () => {
    const res = await as(t, t.authorization).get('/api/encounter/patients/p-1/outcomes?instrument=beck');
    expectContract(res, 'getOutcomeTrend');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['instrument']);
  });
});
