import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ServiceRequest } from '@medplum/fhirtypes';
import { referralService } from '@peerbridge/referral';
import { createValidator, handleOnce, newEvent, Repositories, type EventConsumer } from '@peerbridge/shared';
import { REFERRAL_RESOURCES } from '../../services/referral/src/fhir/resource-definitions.js';
import { serviceRequest } from '../support/fixtures.js';
import { fhirClient, startTestApp, TEST_BASE_URL, type TestApp } from '../support/test-app.js';

// A consumer reaches its service's FHIR resources only through the repository it is handed,
// bound to the system principal named after it, inside the transaction of its delivery.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([referralService]);
});
afterAll(() => t.close());

describe("a consumer's repository", () => {
  it('when a consumer reads through its delivery, then it acts as its own system principal within the delivery transaction', async () => {
    const created: ServiceRequest = (await fhirClient(t).post('/fhir/ServiceRequest').send(serviceRequest()))
      .body;
    const seen: { subject?: string; caller?: string } = {};
    const reader: EventConsumer = {
      name: 'reader',
      eventTypes: ['referral.created'],
      async handle(tx, _event, delivery) {
        const read = await delivery.repository!.read('ServiceRequest', created.id!, { q: tx });
        seen.subject = read.subject?.reference;
        seen.caller = delivery.repository!.caller.subject;
      },
    };
    const repositories = new Repositories({
      db: t.db,
      schema: 'referral',
      definitions: REFERRAL_RESOURCES,
      validator: createValidator(),
      baseUrl: TEST_BASE_URL,
    });
    const event = newEvent({
      type: 'referral.created',
      aggregate: { type: 'referral', id: created.id! },
      resources: [created],
    });
    const outcome = await t.db.transaction((tx) =>
      handleOnce(tx, 'referral', reader, event, 1, repositories.forSystem('referral.reader')),
    );
    expect(outcome).toBe('handled');
    expect(seen).toEqual({ subject: created.subject?.reference, caller: 'system:referral.reader' });
  });
});
