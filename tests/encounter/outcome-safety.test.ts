import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { QuestionnaireResponse } from '@medplum/fhirtypes';
import { encounterService } from '@peerbridge/encounter';
import {
  createValidator,
  migrateServices,
  OperationOutcomeError,
  Repositories,
  type Database,
  type Queryable,
  type Repository,
} from '@peerbridge/shared';
import type { SafetyConcern, SafetyEscalation } from '../../services/encounter/src/domain/safety-concern.js';
import { ENCOUNTER_RESOURCES } from '../../services/encounter/src/fhir/resource-definitions.js';
import { saveCareTeam } from '../../services/encounter/src/store/care-team-view.js';
import { OutcomeWorkflow } from '../../services/encounter/src/workflow/outcome-workflow.js';
import { openTestDatabase } from '../support/test-database.js';
import { TEST_BASE_URL } from '../support/tokens.js';
import { answersSumming, PHQ9_ITEMS, PHQ9_URL, phq9Response } from './support/outcomes.js';

// The PHQ-9 item 9 safety signal at the workflow, with a SafetyEscalation that records its calls
// (the real one, SafetyWorkflow, comes with the safety branch): it must be called exactly when
// item 9 is above 0, in the transaction that stores the response, and a failure to raise the
// flag must leave nothing stored.

let db: Database;
let repositories: Repositories;
beforeAll(async () => {
  db = await openTestDatabase();
  await migrateServices(db, [encounterService]);
  repositories = new Repositories({
    db,
    schema: 'encounter',
    definitions: ENCOUNTER_RESOURCES,
    validator: createValidator(),
    baseUrl: TEST_BASE_URL,
  });
});
afterAll(() => db.close());

interface Call {
  readonly concern: SafetyConcern;
  /** Whether the response the concern is about was visible in the transaction it was raised in. */
  readonly responseInTransaction: boolean;
}

/** Records each raise; `fail` makes it throw as a failing Flag write would. */
function recordingEscalation(fail = false): SafetyEscalation & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    async raise(tx: Queryable, repo: Repository, concern: SafetyConcern) {
      const id = concern.about[0]!.reference!.split('/')[1]!;
      const seen = await repo.read('QuestionnaireResponse', id, { q: tx }).then(
        () => true,
        () => false,
      );
      calls.push({ concern, responseInTransaction: seen });
      if (fail) {
        throw new Error('flag write failed');
      }
      return { flag: { resourceType: 'Flag', status: 'active', code: {}, subject: {} } } as never;
    },
  };
}

/** A referral whose care team the encounter service knows, for the program to record against. */
async function referral(): Promise<{ referralId: string; patient: string }> {
  const referralId = randomUUID();
  const patient = `Patient/${randomUUID()}`;
  await saveCareTeam(db, {
    id: randomUUID(),
    referralId,
    patient,
    status: 'active',
    peerSupporterId: undefined,
  });
  return { referralId, patient };
}

async function stored(patient: string): Promise<{ responses: number; observations: number; events: number }> {
  const count = async (sql: string) => (await db.query<{ n: number }>(sql, [patient]))[0]!.n;
  return {
    responses: await count(
      `SELECT count(*)::int AS n FROM encounter.search_reference WHERE resource_type = 'QuestionnaireResponse' AND param = 'subject' AND target = $1`,
    ),
    observations: await count(
      `SELECT count(*)::int AS n FROM encounter.search_reference WHERE resource_type = 'Observation' AND param = 'subject' AND target = $1`,
    ),
    events: await count(
      `SELECT count(*)::int AS n FROM encounter.event_outbox WHERE event_type = 'outcome.recorded' AND resources->0->'subject'->>'reference' = $1`,
    ),
  };
}

const program = { kind: 'program' } as const;

describe('PHQ-9 item 9 raises a safety flag in the transaction of the response', () => {
  it.each([
    [0, 'none'],
    [1, 'urgent'],
    [2, 'stat'],
    [3, 'stat'],
  ] as const)(
    'when recordOutcome gets item 9 = %i, then the escalation urgency is %s',
    async (item9, urgency) => {
      const safety = recordingEscalation();
      const workflow = new OutcomeWorkflow(db, safety, TEST_BASE_URL);
      const { referralId, patient } = await referral();
      const result = await workflow.record(repositories.forSystem('test'), program, {
        referralId,
        questionnaire: PHQ9_URL,
        answers: answersSumming(PHQ9_ITEMS, 10 + item9, item9),
      });
      expect(result.safetyFlagRaised).toBe(item9 > 0);
      if (urgency === 'none') {
        expect(safety.calls).toEqual([]);
        return;
      }
      expect(safety.calls).toEqual([
        {
          responseInTransaction: true,
          concern: {
            patient,
            source: 'phq-9-item-9',
            urgency,
            about: [{ reference: `QuestionnaireResponse/${result.questionnaireResponse.id}` }],
            description:
              'PHQ-9 item 9 (thoughts of being better off dead or of self-harm) was answered positively; the care team should review the patient\u2019s safety.',
          },
        },
      ]);
      expect(await stored(patient)).toEqual({ responses: 1, observations: 2, events: 1 });
    },
  );

  it('when a FHIR PHQ-9 cannot be scored (item 1 missing) but item 9 is 2, then it is stored unscored and the flag is still raised', async () => {
    const safety = recordingEscalation();
    const workflow = new OutcomeWorkflow(db, safety, TEST_BASE_URL);
    const { patient } = await referral();
    const response = phq9Response(patient, 8) as QuestionnaireResponse;
    response.item = response
      .item!.filter((item) => item.linkId !== PHQ9_ITEMS[0])
      .map((item) => (item.linkId === '44260-8' ? { ...item, answer: [{ valueInteger: 2 }] } : item));
    const result = await workflow.createFromFhir(repositories.forSystem('test'), response, undefined);
    expect(result.observations).toEqual([]);
    expect(result.issues.map((issue) => issue.severity)).toEqual(['warning']);
    expect(safety.calls.map((call) => [call.concern.urgency, call.responseInTransaction])).toEqual([
      ['stat', true],
    ]);
    expect(await stored(patient)).toEqual({ responses: 1, observations: 0, events: 1 });
  });

  it('when a FHIR PHQ-9 leaves item 9 unanswered, then no flag is raised', async () => {
    const safety = recordingEscalation();
    const workflow = new OutcomeWorkflow(db, safety, TEST_BASE_URL);
    const { patient } = await referral();
    const response = phq9Response(patient, 8) as QuestionnaireResponse;
    response.item = response.item!.filter((item) => item.linkId !== '44260-8');
    await workflow.createFromFhir(repositories.forSystem('test'), response, undefined);
    expect(safety.calls).toEqual([]);
    expect(await stored(patient)).toEqual({ responses: 1, observations: 0, events: 1 });
  });

  it('when raising the flag fails, then neither the response, its scores nor the event are stored', async () => {
    const safety = recordingEscalation(true);
    const workflow = new OutcomeWorkflow(db, safety, TEST_BASE_URL);
    const { referralId, patient } = await referral();
    await expect(
      workflow.record(repositories.forSystem('test'), program, {
        referralId,
        questionnaire: PHQ9_URL,
        answers: answersSumming(PHQ9_ITEMS, 12, 3),
      }),
    ).rejects.toThrow('flag write failed');
    expect(safety.calls).toHaveLength(1);
    expect(await stored(patient)).toEqual({ responses: 0, observations: 0, events: 0 });
  });

  it('when recordOutcome gets an unscorable PHQ-9 with item 9 above 0, then 400 and nothing is raised or stored: the caller must resend it whole', async () => {
    const safety = recordingEscalation();
    const workflow = new OutcomeWorkflow(db, safety, TEST_BASE_URL);
    const { referralId, patient } = await referral();
    const error = await workflow
      .record(repositories.forSystem('test'), program, {
        referralId,
        questionnaire: PHQ9_URL,
        answers: answersSumming(PHQ9_ITEMS, 12, 3).slice(1),
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OperationOutcomeError);
    expect((error as OperationOutcomeError).status).toBe(400);
    expect(safety.calls).toEqual([]);
    expect(await stored(patient)).toEqual({ responses: 0, observations: 0, events: 0 });
  });
});
