import type { Task } from '@medplum/fhirtypes';
import type { FhirResource } from 'fhir-kit-client';
import type { Database, Logger, WriteBackConfig } from '@peerbridge/shared';
import { classifyWriteBackFailure, retryDelayMs, type EhrFailureFacts } from '../domain/write-back-retry.js';
import { updatedEhrTask, writeBackIdentifier } from '../fhir/ehr-write-back-resource.js';
import type { EhrFhirClient } from '../smart-client/ehr-fhir-client.js';
import {
  claimNextWriteBack,
  connectionDelivered,
  consecutiveFailures,
  findWriteBackReferral,
  markDead,
  markDeliveredAndClaimNext,
  markRetry,
  pauseConnection,
  pausedUntil,
  type DueWriteBack,
} from '../store/write-back-tables.js';

export interface DeliveryResult {
  delivered: number;
  dead: number;
  /** Set when the EHR failed and the connection's delivery is paused until then. */
  pausedUntil?: Date;
}

/**
 * Delivers one connection's due write-backs to its EHR, oldest change first, one at a time (so
 * the EHR sees a resource's changes in order). A write the EHR refuses for good becomes a dead
 * letter and the next goes on; a failure that may pass pauses the whole connection (the EHR is
 * failing: the other writes would fail too), with backoff and jitter or the EHR's Retry-After,
 * and delivery resumes by itself when the pause is over. A row is leased while its request is
 * out, so replicas share the work and a killed process delays its row by the lease only.
 */
export class WriteBackDeliverer {
  private readonly leaseSeconds: number;

  constructor(
    private readonly db: Database,
    private readonly client: EhrFhirClient,
    private readonly config: WriteBackConfig,
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
  ) {
    // Longer than one write can take, each request bounded by the connection's timeout: a token
    // request, the EHR Task's read and update (the longest write), and one retry after a 401
    // with a new token.
    this.leaseSeconds = Math.ceil((client.connection.requestTimeoutMs * 6) / 1000);
  }

  get connectionId(): string {
    return this.client.connection.id;
  }

  async deliver(): Promise<DeliveryResult> {
    const result: DeliveryResult = { delivered: 0, dead: 0 };
    const paused = await pausedUntil(this.db, this.connectionId);
    if (paused) {
      return { ...result, pausedUntil: paused };
    }
    let row = await claimNextWriteBack(this.db, this.connectionId, this.leaseSeconds);
    while (row) {
      const outcome = await this.deliverOne(row, result);
      if (outcome.pausedUntil) {
        return { ...result, pausedUntil: outcome.pausedUntil };
      }
      row = outcome.next;
    }
    if (result.delivered > 0) {
      await connectionDelivered(this.db, this.connectionId);
    }
    return result;
  }

  /**
   * Sends one row; answers the next row to send (claimed as this one is marked delivered), or
   * when delivery may resume if the EHR failed in a way that may pass.
   */
  private async deliverOne(
    row: DueWriteBack,
    result: DeliveryResult,
  ): Promise<{ next?: DueWriteBack | undefined; pausedUntil?: Date }> {
    let written: FhirResource;
    try {
      written = await this.write(row);
    } catch (error) {
      const decision = classifyWriteBackFailure(failureFacts(error));
      if (decision.kind === 'dead') {
        await markDead(this.db, this.connectionId, row, row.version, decision.failure, decision.outcome);
        this.logger.warn('write-back refused by the EHR', {
          connection: this.connectionId,
          resourceType: row.resourceType,
          failure: decision.failure,
        });
        result.dead += 1;
        return { next: await claimNextWriteBack(this.db, this.connectionId, this.leaseSeconds) };
      }
      if (result.delivered > 0) {
        // This run's writes reached the EHR before it failed: the failures start counting anew.
        await connectionDelivered(this.db, this.connectionId);
      }
      const failures = (await consecutiveFailures(this.db, this.connectionId)) + 1;
      const delay = retryDelayMs(
        failures,
        {
          baseMs: this.config.retryDelayMs,
          maxMs: this.config.retryDelayMaxMs,
          retryAfterMs: decision.retryAfterMs,
        },
        this.random,
      );
      const until = new Date(Date.now() + delay);
      await markRetry(this.db, this.connectionId, row, until, decision.failure);
      await pauseConnection(this.db, this.connectionId, until, decision.failure);
      this.logger.warn('write-back paused: the EHR failed', {
        connection: this.connectionId,
        failure: decision.failure,
        failures,
        retryInMs: Math.round(delay),
      });
      return { pausedUntil: until };
    }
    result.delivered += 1;
    return {
      next: await markDeliveredAndClaimNext(
        this.db,
        this.connectionId,
        row,
        row.version,
        `${written.resourceType}/${String(written.id)}`,
        this.leaseSeconds,
      ),
    };
  }

  private async write(row: DueWriteBack): Promise<FhirResource> {
    if (row.resourceType === 'Task' && row.referralId) {
      const ehrTask = (await findWriteBackReferral(this.db, row.referralId))?.ehrTask;
      if (ehrTask) {
        return this.updateEhrTask(ehrTask, row.resource as Task);
      }
    }
    return this.client.upsertByIdentifier(row.resource as FhirResource, writeBackIdentifier(row.resource));
  }

  /** The referral came with the EHR's own Task: its status follows PeerBridge's. */
  private async updateEhrTask(ehrTaskUrl: string, task: Task): Promise<FhirResource> {
    const id = ehrTaskUrl.slice(ehrTaskUrl.lastIndexOf('/') + 1);
    const current = (await this.client.read('Task', id)) as unknown as Task;
    return this.client.update(updatedEhrTask(current, task) as unknown as FhirResource & { id: string });
  }
}

function failureFacts(error: unknown): EhrFailureFacts {
  const fields = (error ?? {}) as Partial<Record<keyof EhrFailureFacts, unknown>>;
  return {
    name: error instanceof Error ? error.name : 'unknown',
    status: typeof fields.status === 'number' ? fields.status : undefined,
    operation: typeof fields.operation === 'string' ? fields.operation : undefined,
    retryAfterSeconds: typeof fields.retryAfterSeconds === 'number' ? fields.retryAfterSeconds : undefined,
    retryAt: fields.retryAt instanceof Date ? fields.retryAt : undefined,
    outcome: fields.outcome,
  };
}
