import type { Communication, Flag, Reference } from '@medplum/fhirtypes';
import type { Queryable, Repository } from '@peerbridge/shared';

/**
 * A safety concern about a patient: raised by a peer supporter, or found in a PHQ-9 whose item 9
 * (thoughts of being better off dead or of self-harm) is answered above 0.
 */
export interface SafetyConcern {
  /** `Patient/<id>`. */
  readonly patient: string;
  /** What the concern is, in words fit for the care team's alert (never the answers themselves). */
  readonly description: string;
  readonly urgency: 'urgent' | 'stat';
  /** `peer-supporter`: raised by a person of the program (a peer supporter or a coordinator). */
  readonly source: 'phq-9-item-9' | 'peer-supporter';
  /** What it is about: the QuestionnaireResponse, or the session's Encounter. */
  readonly about: readonly Reference[];
  /** Who raised it or answered the questionnaire. */
  readonly raisedBy?: Reference;
  readonly encounter?: Reference;
  /**
   * The referral the concern was raised on, when it was: its care team is alerted. Without it,
   * every care team of the patient is (added to the port for `raiseSafetyConcern`).
   */
  readonly referralId?: string;
}

export interface RaisedSafetyFlag {
  readonly flag: Flag;
  readonly communication: Communication;
}

/**
 * Raises a safety flag (a Flag and the Communication that alerts the care team, and the
 * `safety.flagged` event) in the transaction of whatever caused it, so that one is never
 * committed without the other.
 */
export interface SafetyEscalation {
  raise(tx: Queryable, repo: Repository, concern: SafetyConcern): Promise<RaisedSafetyFlag>;
}
