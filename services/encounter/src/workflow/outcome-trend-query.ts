import type { Observation } from '@medplum/fhirtypes';
import { notFound, parseSearchRequest, type Repository } from '@peerbridge/shared';
import type { CallerRole } from '../domain/caller-role.js';
import {
  GAD_7,
  INSTRUMENTS,
  PHQ_9,
  type Instrument,
  type InstrumentId,
} from '../domain/instruments/index.js';
import {
  outcomeTrend,
  pairedOutcome,
  type DatedScore,
  type OutcomeTrend,
  type PairedOutcome,
} from '../domain/outcome-trend.js';
import { OBSERVATION } from '../fhir/resource-definitions.js';
import type { CallerRoles } from './caller-roles.js';

export interface PatientOutcomeTrend {
  readonly patient: string;
  readonly trend: OutcomeTrend;
  /** For PHQ-9 and GAD-7: recovery over the pair. */
  readonly recovery?: PairedOutcome;
}

/** More scores than one patient's program ever holds; the trend reads them all in one page. */
const MAX_SCORES = 1000;

/**
 * An instrument's trend for one patient, from the total-score Observations the caller may see
 * (read through their repository). A patient not in the caller's view at all (CallerRoles) is
 * 404, so that a trend with no scores yet is told apart from someone else's patient.
 */
export async function patientOutcomeTrend(
  repo: Repository,
  roles: CallerRoles,
  role: CallerRole,
  patientId: string,
  instrumentId: InstrumentId,
): Promise<PatientOutcomeTrend> {
  const patient = `Patient/${patientId}`;
  if (!(await roles.patientInView(role, patient, repo.memo))) {
    throw notFound(`No outcomes of ${patient} that you may see`, 'patientId');
  }
  const instrument = INSTRUMENTS[instrumentId];
  const trend = outcomeTrend(instrument, await scores(repo, patient, instrument));
  if (instrument !== PHQ_9 && instrument !== GAD_7) {
    return { patient, trend };
  }
  const other = instrument === PHQ_9 ? GAD_7 : PHQ_9;
  const own = trend.series;
  const theirs = await scores(repo, patient, other);
  const recovery = instrument === PHQ_9 ? pairedOutcome(own, theirs) : pairedOutcome(theirs, own);
  return { patient, trend, recovery };
}

async function scores(repo: Repository, patient: string, instrument: Instrument): Promise<DatedScore[]> {
  const { system, code } = instrument.totalCode;
  const request = parseSearchRequest(
    OBSERVATION,
    [
      ['patient', patient],
      ['code', `${system}|${code}`],
      ['status', 'final'],
      ['_sort', 'date'],
      ['_count', String(MAX_SCORES)],
    ],
    { strict: true },
  );
  const { matches } = await repo.search<Observation>(request);
  return matches.flatMap((observation) => {
    const total = observation.valueQuantity?.value;
    const effective = observation.effectiveDateTime;
    if (total === undefined || effective === undefined) {
      return [];
    }
    const encounter = observation.encounter?.reference;
    return [{ effective, total, ...(encounter ? { encounter } : {}) }];
  });
}
