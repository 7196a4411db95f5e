import type { JobWithMetadata } from 'pg-boss';
import { conflict, notFound } from '../errors/operation-outcome-error.js';
import type { DomainEvent } from './domain-event.js';
import type { EventBus } from './event-bus.js';
import { DEAD_LETTER_SUFFIX } from './event-consumer.js';

/** An event a consumer failed on `maxAttempts` times, as the admin API shows it: no event body. */
export interface DeadLetter {
  readonly id: string;
  /** The consumer's queue, `<service>.<consumer>`. */
  readonly consumer: string;
  readonly event: {
    readonly id: string;
    readonly type: string;
    readonly aggregate: DomainEvent['aggregate'];
  };
  readonly attempts: number;
  readonly deadLetteredAt: string;
}

/**
 * The dead letters are pg-boss's: when a consumer's job has failed its last attempt, pg-boss
 * copies it to the consumer's dead-letter queue, where nothing works on it. Replaying sends the
 * event to the consumer's queue again and cancels the dead letter, so it is replayed once.
 */
export class DeadLetters {
  constructor(private readonly bus: EventBus) {}

  async list(limit: number): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    for (const queue of await this.queues()) {
      const jobs = await this.bus.boss.findJobs<DomainEvent>(queue, { queued: true, limit });
      letters.push(...jobs.filter((job) => job.state === 'created').map(toDeadLetter));
    }
    return letters
      .sort((a, b) => a.deadLetteredAt.localeCompare(b.deadLetteredAt) || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  /**
   * Sends the dead letter's event to its consumer again. Sent before the dead letter is
   * cancelled: if two replays race, or the process dies in between, the consumer receives the
   * event twice and, being idempotent, handles it once.
   */
  async replay(id: string): Promise<{ deadLetter: DeadLetter; jobId: string }> {
    const found = await this.find(id);
    if (!found) {
      throw notFound(`Dead letter ${id} not found`);
    }
    const { queue, job } = found;
    if (job.state !== 'created' || !job.sourceName) {
      throw conflict(`Dead letter ${id} was already replayed`);
    }
    const jobId = await this.bus.boss.send(job.sourceName, job.data as unknown as object);
    // pg-boss's CommandResponse type omits the count its value carries.
    const { affected } = (await this.bus.boss.cancel(queue, id)) as { affected?: number };
    if (affected !== 1 || !jobId) {
      throw conflict(`Dead letter ${id} was already replayed`);
    }
    return { deadLetter: toDeadLetter(job), jobId };
  }

  private async find(id: string): Promise<{ queue: string; job: JobWithMetadata<DomainEvent> } | undefined> {
    for (const queue of await this.queues()) {
      const [job] = await this.bus.boss.findJobs<DomainEvent>(queue, { id });
      if (job) {
        return { queue, job };
      }
    }
    return undefined;
  }

  private async queues(): Promise<string[]> {
    const queues = await this.bus.boss.getQueues();
    return queues.map((queue) => queue.name).filter((name) => name.endsWith(DEAD_LETTER_SUFFIX));
  }
}

function toDeadLetter(job: JobWithMetadata<DomainEvent>): DeadLetter {
  const event = job.data;
  return {
    id: job.id,
    consumer: job.sourceName ?? job.name.slice(0, -DEAD_LETTER_SUFFIX.length),
    event: { id: event.id, type: event.type, aggregate: event.aggregate },
    attempts: (job.sourceRetryCount ?? 0) + 1,
    deadLetteredAt: new Date(job.createdOn).toISOString(),
  };
}
