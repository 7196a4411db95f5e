import { performance } from 'node:perf_hooks';
import type { Bundle, ServiceRequest } from '@medplum/fhirtypes';
import { intakePoller, type EhrFhirClient } from '@peerbridge/ehr-integration';
import { ehrDemoData, PEER_SUPPORT_REFERRAL } from '@peerbridge/sandbox';
import type { ListeningTestApp } from '../support/test-app.js';
import { connection, context, ehrReferral, logger } from '../ehr/support/write-back-host.js';
import { CallTimer, timedDatabase } from './timed-calls.js';
import { TimedEhrFhirClient } from './timed-ehr-client.js';

export const INTAKE_CONNECTION = 'intake';
const SEEDING_CONCURRENCY = 8;
/** Intake's own page size (IntakePoller's default), which the direct baseline uses too. */
const PAGE_SIZE = 50;
const DIRECT_IDENTIFIER_SYSTEM = 'urn:peerbridge:bench:direct-ehr-referral';

export interface IntakeFigures {
  readonly referrals: number;
  readonly poll: {
    readonly ms: number;
    readonly pages: number;
    readonly http: { readonly calls: number; readonly ms: number };
    readonly queries: { readonly calls: number; readonly ms: number };
  };
  /** From the start of the poll until the referral service had created every referral. */
  readonly referralsCreatedMs: number;
  readonly direct: { readonly ms: number; readonly searchMs: number; readonly createMs: number };
}

/**
 * `count` peer-support ServiceRequests waiting in the sandbox EHR for its demo patients (its
 * demo referrals and new ones), taken in
 * by one `poll()` of a connection that has never polled, timed until intake committed its last
 * page and until the referral service (consuming intake's events) had created every referral.
 * The baseline runs first, in the same app: the same search paged through with the same EHR
 * client, and each referral created with PeerBridge's FHIR API (POST /fhir/ServiceRequest, which
 * runs the referral workflow's create as the intake consumer does), one at a time. It does not
 * read each patient, copy it or record the intake, which intake does.
 */
export async function measureIntake(t: ListeningTestApp, count: number): Promise<IntakeFigures> {
  await seedEhrReferrals(t, count);
  const ehr = connection(t, INTAKE_CONNECTION);
  const before = await referralCount(t);
  const direct = await searchAndCreate(t, new TimedEhrFhirClient(ehr, logger), count);

  const queries = new CallTimer();
  const client = new TimedEhrFhirClient(ehr, logger);
  const poller = intakePoller({ ...context(t), db: timedDatabase(t.db, queries) }, ehr, client, PAGE_SIZE);
  const start = performance.now();
  const result = await poller.poll();
  const pollMs = performance.now() - start;
  if (result.accepted !== count) {
    throw new Error(`Intake accepted ${result.accepted} of ${count} (rejected ${result.rejected})`);
  }
  const expected = before + 2 * count;
  while ((await referralCount(t)) < expected) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    referrals: count,
    poll: { ms: pollMs, pages: result.pages, http: { ...client.http }, queries: { ...queries } },
    referralsCreatedMs: performance.now() - start,
    direct,
  };
}

/**
 * Referrals waiting in the EHR, `count` with the demo data's own, spread over its demo patients;
 * created a few at a time through the EHR's FHIR API.
 */
async function seedEhrReferrals(t: ListeningTestApp, count: number): Promise<void> {
  const demo = ehrDemoData();
  const patients = demo.filter((resource) => resource.resourceType === 'Patient').length;
  const toSeed = count - demo.filter((resource) => resource.resourceType === 'ServiceRequest').length;
  let next = 0;
  const seedSome = async () => {
    while (next < toSeed) {
      const n = next++;
      await ehrReferral(t, (n % patients) + 1);
    }
  };
  await Promise.all(Array.from({ length: SEEDING_CONCURRENCY }, seedSome));
}

async function searchAndCreate(
  t: ListeningTestApp,
  client: TimedEhrFhirClient,
  count: number,
): Promise<IntakeFigures['direct']> {
  const create = new CallTimer();
  const start = performance.now();
  let created = 0;
  let page: Bundle | undefined = (await client.search('ServiceRequest', {
    code: `${PEER_SUPPORT_REFERRAL.system}|${PEER_SUPPORT_REFERRAL.code}`,
    _sort: '_lastUpdated',
    _count: PAGE_SIZE,
  })) as unknown as Bundle;
  while (page) {
    for (const entry of page.entry ?? []) {
      await create.time(() => createReferral(t, client, entry.resource as ServiceRequest & { id: string }));
      created += 1;
    }
    page = (await client.nextPage(page as never)) as unknown as Bundle | undefined;
  }
  if (created !== count) {
    throw new Error(`The direct search found ${created} of ${count} EHR referrals`);
  }
  return { ms: performance.now() - start, searchMs: client.http.ms, createMs: create.ms };
}

/** The EHR referral as a PeerBridge referral, its references made absolute on the EHR as intake does. */
async function createReferral(
  t: ListeningTestApp,
  client: EhrFhirClient,
  request: ServiceRequest & { id: string },
): Promise<void> {
  const ehr = (reference: string) => `${client.connection.fhirBaseUrl}/${reference}`;
  const referral: ServiceRequest = {
    resourceType: 'ServiceRequest',
    identifier: [{ system: DIRECT_IDENTIFIER_SYSTEM, value: ehr(`ServiceRequest/${request.id}`) }],
    status: 'active',
    intent: request.intent,
    code: request.code!,
    subject: { reference: ehr(request.subject.reference!) },
    ...(request.authoredOn ? { authoredOn: request.authoredOn } : {}),
    requester: { reference: ehr(request.requester!.reference!) },
    reasonCode: request.reasonCode?.length
      ? request.reasonCode
      : [{ text: 'No reason given in the EHR referral' }],
  };
  const res = await fetch(`${t.baseUrl}/fhir/ServiceRequest`, {
    method: 'POST',
    headers: { authorization: t.authorization, 'content-type': 'application/fhir+json' },
    body: JSON.stringify(referral),
  });
  if (res.status !== 201) {
    throw new Error(`PeerBridge answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
}

async function referralCount(t: ListeningTestApp): Promise<number> {
  const [row] = await t.db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM referral.resource WHERE resource_type = 'ServiceRequest'`,
  );
  return row!.count;
}
