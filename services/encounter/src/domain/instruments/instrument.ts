/**
 * An outcome instrument as PeerBridge scores it: the scoring facts of one published Questionnaire
 * (fhir-profiles/encounter/Questionnaire-<id>.json) plus the rules that read its total. The
 * Questionnaire is what a form shows; this is what the server scores with. instruments.test.ts
 * fails if the two disagree on an item, an answer code or a score.
 */

export type InstrumentId = 'phq-9' | 'gad-7' | 'swemwbs' | 'ucla-3' | 'qpr-15';

export interface Code {
  readonly system: string;
  readonly code: string;
  readonly display: string;
}

/**
 * One answer option and its score (the Questionnaire's `ordinalValue`); an option of an item
 * that is not scored has none.
 */
export interface AnswerOption extends Code {
  readonly score?: number;
}

export interface InstrumentItem {
  readonly linkId: string;
  /** The item's LOINC code, where LOINC has one. */
  readonly loinc?: string;
  readonly required: boolean;
  /** False for an item that is asked but not added to the total (PHQ-9's difficulty question). */
  readonly scored: boolean;
  readonly answers: readonly AnswerOption[];
  /**
   * Codes that are not offered on the form but that published forms send for one of the answers,
   * scored as that answer (LOINC's GAD-7 form answers item 2 with LA18938-3 "More days than not").
   */
  readonly alternativeAnswers?: readonly AnswerOption[];
}

/** A severity band of the total, inclusive at both ends, and the code that names it. */
export interface Band {
  readonly min: number;
  readonly max: number;
  readonly code: Code;
}

/** A threshold with the source that sets it, so that results can cite it. */
export interface Threshold {
  readonly value: number;
  readonly source: string;
}

export interface Instrument {
  readonly id: InstrumentId;
  /** Questionnaire.url, which a QuestionnaireResponse names in `questionnaire`. */
  readonly canonical: string;
  readonly version: string;
  readonly title: string;
  /** Observation.code of the total. */
  readonly totalCode: Code;
  /** Range of the reported total (for SWEMWBS the metric score). */
  readonly totalRange: { readonly min: number; readonly max: number };
  /** True when a higher total is better (SWEMWBS, QPR-15): improvement is then a rise. */
  readonly higherIsBetter: boolean;
  readonly items: readonly InstrumentItem[];
  /** Items that only show text (instructions): a response may list them, never answer them. */
  readonly displayLinkIds: readonly string[];
  /** Empty where the authors publish no bands. */
  readonly bands: readonly Band[];
  /** A total at or above this is a clinical case (NHS Talking Therapies; PHQ-9 and GAD-7 only). */
  readonly caseness?: Threshold;
  /** The smallest change of the total that counts as reliable (or meaningful) change. */
  readonly reliableChange?: Threshold;
  /** Turns the raw sum into the reported total (SWEMWBS's conversion table); identity when absent. */
  readonly reportedScore?: (raw: number) => number;
}
