import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ServiceRequest, Task } from '@medplum/fhirtypes';
import { encounterService } from '@peerbridge/encounter';
import { handleOnce, newEvent, type DomainEvent } from '@peerbridge/shared';
import { referralEventsConsumer } from '../../services/encounter/src/workflow/referral-events-consumer.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// The encounter service learns each referral's consent from the referral service's events (the
// ServiceRequest travels with them), never from its tables: once per event, and never from an
// event older than what it applied.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([encounterService]);
});
afterAll(() => t.close());

function request(id: string, patient: string, versionId: string, consent?: string): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    id,
    meta: { versionId },
    status: 'active',
    intent: 'order',
    subject: { reference: patient },
    ...(consent ? { supportingInfo: [{ reference: consent }] } : {}),
  };
}

function event(type: string, id: string, resources: (ServiceRequest | Task)[]): DomainEvent {
  return newEvent({ type, aggregate: { type: 'referral', id }, resources, carryResources: true });
}

const deliver = (e: DomainEvent) =>
  t.db.transaction((tx) => handleOnce(tx, 'encounter', referralEventsConsumer, e, 1));

async function consentOf(referralId: string) {
  const rows = await t.db.query<{ patient: string; consent_reference: string | null }>(
    'SELECT patient, consent_reference FROM encounter.referral_consent WHERE referral_id = $1',
    [referralId],
  );
  return rows;
}

describe('referral consent consumer', () => {
  it('when consent is withdrawn and the older event with consent arrives late, then the referral stays without consent', async () => {
    const id = randomUUID();
    const patient = `Patient/${randomUUID()}`;
    const created = event('referral.created', id, [request(id, patient, '1', 'Consent/c-1')]);
    const withdrawn = event('referral.updated', id, [request(id, patient, '2')]);

    expect(await deliver(withdrawn)).toBe('handled');
    expect(await deliver(created)).toBe('handled');
    expect(await consentOf(id)).toEqual([{ patient, consent_reference: null }]);
  });

  it('when consent is given later, then the referral records it; the same event again changes nothing', async () => {
    const id = randomUUID();
    const patient = `Patient/${randomUUID()}`;
    expect(await deliver(event('referral.created', id, [request(id, patient, '1')]))).toBe('handled');
    expect(await consentOf(id)).toEqual([{ patient, consent_reference: null }]);

    const given = event('referral.updated', id, [request(id, patient, '2', 'Consent/c-2')]);
    expect(await deliver(given)).toBe('handled');
    expect(await deliver(given)).toBe('duplicate');
    expect(await consentOf(id)).toEqual([{ patient, consent_reference: 'Consent/c-2' }]);
  });

  it('when an event carries only the Task, then what is known of the consent is unchanged', async () => {
    const id = randomUUID();
    const patient = `Patient/${randomUUID()}`;
    await deliver(event('referral.created', id, [request(id, patient, '1', 'Consent/c-3')]));
    const task: Task = {
      resourceType: 'Task',
      id: randomUUID(),
      meta: { versionId: '2' },
      status: 'accepted',
      intent: 'order',
    };
    expect(await deliver(event('referral.updated', id, [task]))).toBe('handled');
    expect(await consentOf(id)).toEqual([{ patient, consent_reference: 'Consent/c-3' }]);
  });
});
