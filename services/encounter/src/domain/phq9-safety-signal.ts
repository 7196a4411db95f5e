import type { Reference } from '@medplum/fhirtypes';
import type { SafetyConcern } from './safety-concern.js';

/** Where the PHQ-9 that gave the signal was recorded. */
export interface Phq9Context {
  /** `Patient/<id>`. */
  readonly patient: string;
  readonly questionnaireResponse: Reference;
  readonly raisedBy?: Reference;
  readonly encounter?: Reference;
}

/**
 * The safety concern a PHQ-9 item 9 (LOINC 44260-8) answer above 0 raises, or none. Any answer
 * above 0 is a safety signal (docs/terminology.md, "Outcomes"); "more than half the days" (2)
 * and "nearly every day" (3) are `stat`, "several days" (1) `urgent`: the Communication's
 * priority orders the care team's response by how often the thoughts come. The description
 * names the concern, never the answer given.
 */
export function phq9SafetyConcern(
  item9: number | undefined,
  context: Phq9Context,
): SafetyConcern | undefined {
  if (item9 === undefined || item9 <= 0) {
    return undefined;
  }
  return {
    patient: context.patient,
    description:
      'PHQ-9 item 9 (thoughts of being better off dead or of self-harm) was answered positively; the care team should review the patient\u2019s safety.',
    urgency: item9 >= 2 ? 'stat' : 'urgent',
    source: 'phq-9-item-9',
    about: [context.questionnaireResponse],
    ...(context.raisedBy ? { raisedBy: context.raisedBy } : {}),
    ...(context.encounter ? { encounter: context.encounter } : {}),
  };
}
