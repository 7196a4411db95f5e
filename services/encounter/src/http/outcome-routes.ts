import type { Repositories } from '@peerbridge/shared';
import type { Response, Router } from 'express';
import type { components, operations } from '../generated/encounter-api.js';
import type { Band, InstrumentId, Threshold } from '../domain/instruments/index.js';
import type { TrendPoint } from '../domain/outcome-trend.js';
import type { CallerRoles } from '../workflow/caller-roles.js';
import { patientOutcomeTrend, type PatientOutcomeTrend } from '../workflow/outcome-trend-query.js';
import type { OutcomeWorkflow, StoredOutcome } from '../workflow/outcome-workflow.js';
import { callerOf } from './caller.js';

type Schemas = components['schemas'];

export interface OutcomeRoutesOptions {
  readonly outcomes: OutcomeWorkflow;
  readonly roles: CallerRoles;
  readonly repositories: Repositories;
  readonly baseUrl: string;
}

/** recordOutcome and getOutcomeTrend (openapi/encounter.yaml, tag `outcomes`). */
export function outcomeRoutes(router: Router, options: OutcomeRoutesOptions): void {
  const { outcomes, roles, repositories, baseUrl } = options;
  const caller = (res: Response) => callerOf(res, repositories, roles);

  router.post('/outcomes', async (req, res) => {
    const body = req.body as Schemas['OutcomeInput'];
    const { repo, role } = await caller(res);
    const stored = await outcomes.record(repo, role, body);
    res.setHeader('Location', `${baseUrl}/fhir/QuestionnaireResponse/${stored.questionnaireResponse.id}`);
    res.status(201).json(toApiOutcome(stored));
  });

  router.get('/patients/:patientId/outcomes', async (req, res) => {
    const query = req.query as unknown as operations['getOutcomeTrend']['parameters']['query'];
    const { repo, role } = await caller(res);
    const trend = await patientOutcomeTrend(
      repo,
      roles,
      role,
      String(req.params.patientId),
      query.instrument as InstrumentId,
    );
    res.json(toApiTrend(trend));
  });
}

const versioned = (resource: { resourceType: string; id?: string; meta?: { versionId?: string } }) => ({
  reference: `${resource.resourceType}/${resource.id}`,
  versionId: resource.meta?.versionId ?? '1',
});

const band = (value: Band | undefined) =>
  value ? { band: { code: value.code.code, display: value.code.display } } : {};

function toApiOutcome(stored: StoredOutcome): Schemas['RecordedOutcome'] {
  // recordOutcome refuses what cannot be scored, so a stored one always has its score.
  const scored = stored.scored!;
  return {
    instrument: stored.instrument.id,
    questionnaireResponse: versioned(stored.questionnaireResponse),
    observations: stored.observations.map(versioned),
    score: scored.total,
    raw: scored.raw,
    ...band(scored.band),
    safetyFlagRaised: stored.safetyFlagRaised,
  };
}

const point = (value: TrendPoint): Schemas['TrendPoint'] => ({
  effective: value.effective,
  score: value.total,
  ...band(value.band),
  ...(value.encounter ? { encounter: value.encounter } : {}),
});

const threshold = ({ value, source }: Threshold) => ({ value, source });

function toApiTrend({ patient, trend, recovery }: PatientOutcomeTrend): Schemas['OutcomeTrend'] {
  return {
    patient,
    instrument: trend.instrument,
    series: trend.series.map(point),
    ...(trend.baseline ? { baseline: point(trend.baseline) } : {}),
    ...(trend.latest ? { latest: point(trend.latest) } : {}),
    ...(trend.change !== undefined ? { change: trend.change } : {}),
    reliableImprovement: trend.reliableImprovement,
    reliableDeterioration: trend.reliableDeterioration,
    ...(trend.casenessAtBaseline !== undefined ? { casenessAtBaseline: trend.casenessAtBaseline } : {}),
    ...(trend.casenessAtLatest !== undefined ? { casenessAtLatest: trend.casenessAtLatest } : {}),
    thresholds: {
      ...(trend.thresholds.reliableChange
        ? { reliableChange: threshold(trend.thresholds.reliableChange) }
        : {}),
      ...(trend.thresholds.caseness ? { caseness: threshold(trend.thresholds.caseness) } : {}),
    },
    ...(recovery
      ? {
          recovery: {
            pairs: [...recovery.pairs],
            ...(recovery.baseline ? { baseline: recovery.baseline } : {}),
            ...(recovery.latest ? { latest: recovery.latest } : {}),
            caseAtBaseline: recovery.caseAtBaseline,
            caseAtLatest: recovery.caseAtLatest,
            recovery: recovery.recovery,
            reliableImprovement: recovery.reliableImprovement,
            reliableDeterioration: recovery.reliableDeterioration,
            reliableRecovery: recovery.reliableRecovery,
            thresholds: {
              phq9Caseness: threshold(recovery.thresholds.phq9.caseness),
              phq9ReliableChange: threshold(recovery.thresholds.phq9.reliableChange),
              gad7Caseness: threshold(recovery.thresholds.gad7.caseness),
              gad7ReliableChange: threshold(recovery.thresholds.gad7.reliableChange),
            },
          },
        }
      : {}),
  };
}
