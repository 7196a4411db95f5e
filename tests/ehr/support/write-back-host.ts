import { generateKeyPairSync } from 'node:crypto';
import type { Bundle, ServiceRequest } from '@medplum/fhirtypes';
import { careTeamService } from '@peerbridge/care-team';
import {
  EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM,
  EhrFhirClient,
  ehrIntegrationService,
  intakePoller,
  writeBackDeliverer,
  type DeliveryResult,
} from '@peerbridge/ehr-integration';
import { encounterService } from '@peerbridge/encounter';
import { referralService } from '@peerbridge/referral';
import {
  createLogger,
  createValidator,
  EHR_WRITE_BACK_TYPES,
  type Database,
  type EhrConnection,
  type ServiceContext,
} from '@peerbridge/shared';
import { fhirClient, startListeningTestApp, type ListeningTestApp } from '../../support/test-app.js';
import { eventsSettled } from '../../support/events-settled.js';
import { waitFor } from '../../support/wait-for.js';
import { TEST_AUDIENCE } from '../../support/test-audience.js';
import { createEhrReferral } from './ehr-referrals.js';

// Every service and the sandbox EHR hosted together, without Jest: the write-back tests and the
// bench (tests/bench/ehr-section.ts) both use it.

export const logger = createLogger({ level: 'error', service: 'test', silent: true });
const key = () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' });

/** Every service's schema: write-back follows events from all of them. */
export const ALL_SCHEMAS = ['referral', 'care_team', 'encounter', 'ehr_integration'];

const WRITE_SCOPES = EHR_WRITE_BACK_TYPES.map((type) => `system/${type}.cruds`).join(' ');

/** A connection to the sandbox EHR of the app at `baseUrl`; intake and write-back as `fields` say. */
export function connectionTo(baseUrl: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    fhirBaseUrl: `${baseUrl}/sandbox/ehr/fhir`,
    tokenEndpoint: `${baseUrl}/sandbox/auth/token`,
    privateKey: key(),
    alg: 'ES384',
    scopes: `system/Patient.rs system/ServiceRequest.rs ${WRITE_SCOPES}`,
    ...fields,
  };
}

/**
 * Every service and the sandbox EHR, listening, with the connections `connections(baseUrl)` and
 * a `seeder` connection the tests read and write the EHR with; workers' intervals are a day, so
 * tests poll and deliver directly.
 */
export async function startWriteBackApp(
  connections: (baseUrl: string) => Record<string, unknown>[],
  env: Record<string, string> = {},
  /** The database to run on: the test database unless given (the bench passes PostgreSQL). */
  db?: Database,
): Promise<ListeningTestApp> {
  return startListeningTestApp(
    [referralService, careTeamService, encounterService, ehrIntegrationService],
    (baseUrl) => ({
      SANDBOX: '1',
      // The tests' tokens name the test audience; the app's own address is the other.
      SMART_AUDIENCE: `${baseUrl}/fhir,${TEST_AUDIENCE}`,
      WRITE_BACK_INTERVAL_MS: '86400000',
      WRITE_BACK_RETRY_DELAY_MS: '10',
      ...env,
      EHR_CONNECTIONS: JSON.stringify([
        ...connections(baseUrl),
        connectionTo(baseUrl, {
          id: 'seeder',
          clientId: 'ehr-test-seeder',
          scopes: `system/Patient.rs system/ServiceRequest.cruds system/Task.cruds ${WRITE_SCOPES}`,
          intake: { mode: 'off' },
        }),
      ]),
    }),
    { withEvents: true, ...(db ? { db } : {}) },
  );
}

export function connection(t: ListeningTestApp, id: string): EhrConnection {
  return t.config.ehrConnections.find((candidate) => candidate.id === id)!;
}

export function context(t: ListeningTestApp): ServiceContext {
  return { config: t.config, db: t.db, logger, validator: createValidator() };
}

/** The tests' own client of the sandbox EHR (the `seeder` connection). */
export function seeder(t: ListeningTestApp): EhrFhirClient {
  return new EhrFhirClient(connection(t, 'seeder'), logger);
}

/** A new peer-support referral in the EHR for a demo patient (1–12); its id. */
export function ehrReferral(t: ListeningTestApp, patient: number): Promise<string> {
  return createEhrReferral(seeder(t), patient);
}

/** Polls the connection once and answers the PeerBridge referral made from the EHR ServiceRequest. */
export async function takeIn(
  t: ListeningTestApp,
  connectionId: string,
  ehrServiceRequestId: string,
): Promise<ServiceRequest> {
  const ehr = connection(t, connectionId);
  await intakePoller(context(t), ehr, new EhrFhirClient(ehr, logger)).poll();
  return waitFor(`the referral of ${ehrServiceRequestId}`, async () => {
    const res = await fhirClient(t)
      .get('/fhir/ServiceRequest')
      .query({
        identifier: `${EHR_SERVICE_REQUEST_IDENTIFIER_SYSTEM}|${ehr.fhirBaseUrl}/ServiceRequest/${ehrServiceRequestId}`,
      });
    return (res.body as Bundle<ServiceRequest>).entry?.[0]?.resource;
  });
}

/** Lets every event be consumed, then delivers the connection's due write-backs until none is left. */
export async function deliverAll(t: ListeningTestApp, connectionId: string): Promise<DeliveryResult> {
  await eventsSettled(t.db, ALL_SCHEMAS);
  return writeBackDeliverer(context(t), connection(t, connectionId)).deliver();
}
