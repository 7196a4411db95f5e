import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Flag, Resource } from '@medplum/fhirtypes';
import { PEERBRIDGE_RESOURCE_SYSTEM, writeBackDeliverer } from '@peerbridge/ehr-integration';
import { safetyFlag } from '@peerbridge/encounter';
import { appendEvent, newEvent } from '@peerbridge/shared';
import { eventsSettled } from '../support/events-settled.js';
import type { ListeningTestApp } from '../support/test-app.js';
import {
  ALL_SCHEMAS,
  connection,
  context,
  ehrReferral,
  logger,
  takeIn,
} from '../ehr/support/write-back-host.js';
import { CallTimer, timedDatabase } from './timed-calls.js';
import { TimedEhrFhirClient } from './timed-ehr-client.js';

export const WRITE_BACK_CONNECTION = 'clinic';

/** One way of writing `rows` resources to the EHR, timed, with where the time went. */
export interface WriteBackTiming {
  readonly rows: number;
  readonly ms: number;
  /** Calls to the EHR and the time spent in them. */
  readonly http: { readonly calls: number; readonly ms: number };
  /** PeerBridge's own queries (and transactions) and the time spent in them. */
  readonly queries: { readonly calls: number; readonly ms: number };
}

export interface WriteBackFigures {
  readonly deliverer: WriteBackTiming;
  readonly baseline: WriteBackTiming;
  /** Committing the events (one transaction each) until the consumer has put every row in line. */
  readonly inLine: { readonly rows: number; readonly ms: number };
  /** Each round's resources/s, deliverer then baseline: a slow spell of the machine shows here. */
  readonly rounds: readonly (readonly [number, number])[];
}

/**
 * Write-back of `perRound` safety flags per round, `rounds` rounds: each round commits that many
 * `safety.flagged` events (as the encounter service writes them: the Flag carried, one transaction
 * each) for a referral taken in from the sandbox EHR and lets the real write-back consumer put
 * their rows in line; then, in alternating order, it times the connection's deliverer until every
 * row is delivered, and the baseline: the same resources (as the deliverer sent them, under fresh
 * identifiers) sent one at a time with the same conditional update (`PUT Flag?identifier=…`)
 * through the same EHR client, on the same connection and token, into the same sandbox EHR.
 */
export async function measureWriteBack(
  t: ListeningTestApp,
  { rounds, perRound, warmUp }: { rounds: number; perRound: number; warmUp: number },
): Promise<WriteBackFigures> {
  const ehr = connection(t, WRITE_BACK_CONNECTION);
  const referral = await takeIn(t, WRITE_BACK_CONNECTION, await ehrReferral(t, 1));
  const patient = referral.subject.reference!;
  const queries = new CallTimer();
  const client = new TimedEhrFhirClient(ehr, logger);
  const deliverer = writeBackDeliverer({ ...context(t), db: timedDatabase(t.db, queries) }, ehr, client);
  const baselineClient = new TimedEhrFhirClient(ehr, logger);
  const inLine = { rows: 0, ms: 0 };
  const totals = { deliverer: emptyTiming(), baseline: emptyTiming() };
  const roundRates: [number, number][] = [];

  const putInLine = async (count: number) => {
    const start = performance.now();
    for (let n = 0; n < count; n++) {
      await commitSafetyFlag(t, patient);
    }
    await eventsSettled(t.db, ALL_SCHEMAS);
    return performance.now() - start;
  };
  const deliver = async (count: number): Promise<WriteBackTiming> => {
    queries.reset();
    client.http.reset();
    const start = performance.now();
    const result = await deliverer.deliver();
    const ms = performance.now() - start;
    if (result.delivered !== count || result.dead > 0 || result.pausedUntil) {
      throw new Error(`Write-back delivered ${result.delivered} of ${count} (${JSON.stringify(result)})`);
    }
    return { rows: count, ms, http: { ...client.http }, queries: { ...queries } };
  };
  const sendDirect = async (bodies: readonly Resource[]): Promise<WriteBackTiming> => {
    baselineClient.http.reset();
    const start = performance.now();
    for (const body of bodies) {
      const value = `Flag/direct-${randomUUID()}`;
      await baselineClient.upsertByIdentifier(
        { ...body, identifier: [{ system: PEERBRIDGE_RESOURCE_SYSTEM, value }] } as never,
        { system: PEERBRIDGE_RESOURCE_SYSTEM, value },
      );
    }
    const ms = performance.now() - start;
    return { rows: bodies.length, ms, http: { ...baselineClient.http }, queries: { calls: 0, ms: 0 } };
  };

  // Warm-up: both paths once, which also mints the connection's token; the bodies the deliverer
  // sent are what the baseline sends.
  await putInLine(warmUp);
  await deliver(warmUp);
  const bodies = await deliveredBodies(t);
  await sendDirect(bodies.slice(0, warmUp));
  const baselineBodies = Array.from({ length: perRound }, (_, n) => bodies[n % bodies.length]!);

  for (let round = 0; round < rounds; round++) {
    // The round's rows are put in line first, so that whichever path goes first (alternating)
    // meets the garbage the consumer left, and neither always meets the EHR with fewer resources.
    inLine.ms += await putInLine(perRound);
    inLine.rows += perRound;
    const rates: [number, number] = [0, 0];
    const runOurs = async () => {
      rates[0] = add(totals.deliverer, await deliver(perRound));
    };
    const runBaseline = async () => {
      rates[1] = add(totals.baseline, await sendDirect(baselineBodies));
    };
    for (const run of round % 2 === 0 ? [runOurs, runBaseline] : [runBaseline, runOurs]) {
      await run();
    }
    roundRates.push(rates);
  }
  return { deliverer: totals.deliverer, baseline: totals.baseline, inLine, rounds: roundRates };
}

/** A safety flag raised for `patient` (the encounter service's Flag), committed with its event as that service does. */
async function commitSafetyFlag(t: ListeningTestApp, patient: string): Promise<void> {
  const id = randomUUID();
  const at = new Date().toISOString();
  const flag: Flag = {
    ...safetyFlag(
      {
        patient,
        description: 'Thoughts of self-harm reported on a PHQ-9',
        urgency: 'stat',
        source: 'phq-9-item-9',
        about: [{ reference: `QuestionnaireResponse/${randomUUID()}` }],
      },
      at,
    ),
    id,
    meta: { versionId: '1', lastUpdated: at },
  };
  await t.db.transaction((tx) =>
    appendEvent(
      tx,
      'encounter',
      newEvent({
        type: 'safety.flagged',
        aggregate: { type: 'Flag', id },
        resources: [flag],
        carryResources: true,
      }),
    ),
  );
}

/** The resources the deliverer sent, as it sent them (the rows' EHR form). */
async function deliveredBodies(t: ListeningTestApp): Promise<Resource[]> {
  const rows = await t.db.query<{ resource: Resource }>(
    `SELECT resource FROM ehr_integration.write_back WHERE connection_id = $1 AND state = 'delivered'`,
    [WRITE_BACK_CONNECTION],
  );
  return rows.map((row) => row.resource);
}

function emptyTiming(): WriteBackTiming {
  return { rows: 0, ms: 0, http: { calls: 0, ms: 0 }, queries: { calls: 0, ms: 0 } };
}

/** Adds a round to the total; answers the round's resources/s. */
function add(total: WriteBackTiming, round: WriteBackTiming): number {
  const sum = total as { -readonly [K in keyof WriteBackTiming]: WriteBackTiming[K] };
  sum.rows += round.rows;
  sum.ms += round.ms;
  sum.http = { calls: sum.http.calls + round.http.calls, ms: sum.http.ms + round.http.ms };
  sum.queries = { calls: sum.queries.calls + round.queries.calls, ms: sum.queries.ms + round.queries.ms };
  return (round.rows * 1000) / round.ms;
}
