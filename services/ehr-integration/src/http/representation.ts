import type { EhrConnection } from '@peerbridge/shared';
import type { components } from '../generated/ehr-integration-api.js';
import type { IntakeCursor, RejectedIntake } from '../store/intake-tables.js';
import type { ReplayedWriteBack, WriteBackDeadLetter, WriteBackHealth } from '../store/write-back-admin.js';

type Schemas = components['schemas'];

const timestamp = (value: Date | undefined): string | null => value?.toISOString() ?? null;

/** A connection's settings, never its key or client credentials. */
export function toApiConnection(connection: EhrConnection): Schemas['Connection'] {
  const { mode, intervalSeconds, owner } = connection.intake;
  return {
    id: connection.id,
    fhirBaseUrl: connection.fhirBaseUrl,
    intake: { mode, intervalSeconds, ...(owner === undefined ? {} : { owner }) },
    writeBack: [...connection.writeBack],
  };
}

/**
 * The sources polled so far, and the one the connection's mode polls even before its first poll
 * (a source of an earlier mode stays listed: its cursor is kept).
 */
export function toApiConnectionStatus(
  connection: EhrConnection,
  cursors: readonly IntakeCursor[],
  health: WriteBackHealth,
): Schemas['ConnectionStatus'] {
  const { mode } = connection.intake;
  const sources = cursors.map((cursor) => ({
    source: cursor.source,
    cursor: timestamp(cursor.lastUpdated),
    polledAt: timestamp(cursor.polledAt),
  }));
  if (mode !== 'off' && !sources.some((source) => source.source === mode)) {
    sources.push({ source: mode, cursor: null, polledAt: null });
  }
  return {
    connectionId: connection.id,
    intake: { mode, sources },
    writeBack: {
      backlog: { ...health.backlog },
      oldestPendingSince: timestamp(health.oldestPendingSince),
      oldestPendingAgeSeconds: health.oldestPendingAgeSeconds ?? null,
      pausedUntil: timestamp(health.pausedUntil),
      consecutiveFailures: health.consecutiveFailures,
      lastFailure: health.lastFailure ?? null,
      lastFailureAt: timestamp(health.lastFailureAt),
      lastDeliveryAt: timestamp(health.lastDeliveryAt),
    },
  };
}

export function toApiDeadLetter(letter: WriteBackDeadLetter): Schemas['WriteBackDeadLetter'] {
  return {
    ...letter,
    lastError: letter.lastError ?? null,
    outcome: letter.outcome ?? null,
    deadLetteredAt: letter.deadLetteredAt.toISOString(),
  };
}

export function toApiReplayed(row: ReplayedWriteBack): Schemas['ReplayedWriteBack'] {
  return { ...row, state: 'pending', nextAttemptAt: row.nextAttemptAt.toISOString() };
}

export function toApiRejectedIntake(row: RejectedIntake): Schemas['RejectedIntake'] {
  return { ...row, receivedAt: row.receivedAt.toISOString() };
}
