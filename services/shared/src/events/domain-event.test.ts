import { describe, expect, it } from '@jest/globals';
import type { Resource } from '@medplum/fhirtypes';
import { eventLogFields, newEvent } from './domain-event.js';

const stored = (id: string, versionId: string): Resource =>
  ({ resourceType: 'Task', id, meta: { versionId }, status: 'requested' }) as Resource;

describe('newEvent', () => {
  it('when resources are stored, then the event names each by reference and version and carries none of them', () => {
    const event = newEvent({
      type: 'referral.status-changed',
      aggregate: { type: 'referral', id: 'r1' },
      resources: [stored('t1', '3')],
      occurredAt: '2026-12-02T00:00:00.000Z',
    });
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'referral.status-changed',
      aggregate: { type: 'referral', id: 'r1' },
      changes: [{ reference: 'Task/t1', versionId: '3' }],
      occurredAt: '2026-12-02T00:00:00.000Z',
    });
  });

  it('when asked to carry the resources, then the event holds them as stored', () => {
    const task = stored('t1', '3');
    const event = newEvent({
      type: 'referral.created',
      aggregate: { type: 'referral', id: 'r1' },
      resources: [task],
      carryResources: true,
    });
    expect(event.resources).toEqual([task]);
  });

  it.each(['referral', 'Referral.Created', 'referral.', '.created', 'referral created'])(
    'when the type is %p, then it is refused',
    (type) => {
      expect(() => newEvent({ type, aggregate: { type: 'referral', id: 'r1' }, resources: [] })).toThrow(
        'Not an event type',
      );
    },
  );

  it('when a resource has no version, then the event is refused', () => {
    expect(() =>
      newEvent({
        type: 'referral.created',
        aggregate: { type: 'referral', id: 'r1' },
        resources: [{ resourceType: 'Task', id: 't1' } as Resource],
      }),
    ).toThrow('stored resources only');
  });

  it('when an event is described for a log line, then only its id and type are given', () => {
    const event = newEvent({
      type: 'referral.created',
      aggregate: { type: 'referral', id: 'r1' },
      resources: [stored('t1', '1')],
      carryResources: true,
    });
    expect(eventLogFields(event)).toEqual({ eventId: event.id, eventType: 'referral.created' });
  });
});
