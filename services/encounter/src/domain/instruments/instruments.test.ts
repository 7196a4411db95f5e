import { describe, expect, it } from '@jest/globals';
import type { CodeSystem, Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import { createValidator, publishedResources } from '@peerbridge/shared';
import {
  INSTRUMENTS,
  instrumentForCanonical,
  OUTCOME_ANSWER_SYSTEM,
  OUTCOME_SCORE_SYSTEM,
  swemwbsMetricScore,
  type Instrument,
} from './index.js';

const ORDINAL_VALUE = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
const published = publishedResources()
  .filter(({ file }) => file.startsWith('encounter/'))
  .map(({ resource }) => resource);
const questionnaires = published.filter((r): r is Questionnaire => r.resourceType === 'Questionnaire');
const codeSystem = (url: string) =>
  published.find((r): r is CodeSystem => r.resourceType === 'CodeSystem' && r.url === url);
const questionnaireOf = (instrument: Instrument) =>
  questionnaires.find((q) => q.url === instrument.canonical);

/** What the scorer needs from a Questionnaire item, read from the published JSON. */
function scoringFacts(item: QuestionnaireItem) {
  return {
    linkId: item.linkId,
    loinc: item.code?.find((code) => code.system === 'http://loinc.org')?.code,
    required: item.required ?? false,
    answers: (item.answerOption ?? []).map((option) => ({
      ...option.valueCoding,
      score: option.extension?.find((e) => e.url === ORDINAL_VALUE)?.valueDecimal,
    })),
  };
}

describe('outcome instruments and their published Questionnaires', () => {
  it('when the instruments are listed, then each has exactly one published Questionnaire and no Questionnaire is left over', () => {
    expect(questionnaires.map((q) => q.url).sort()).toEqual(
      Object.values(INSTRUMENTS)
        .map((instrument) => instrument.canonical)
        .sort(),
    );
  });

  it.each(Object.values(INSTRUMENTS).map((instrument) => [instrument.id, instrument] as const))(
    'when %s is scored, then its items, answer codes and answer scores are exactly those of its Questionnaire',
    (_id, instrument) => {
      const questionnaire = questionnaireOf(instrument)!;
      expect(questionnaire).toMatchObject({ status: 'active', version: instrument.version });
      const items = questionnaire.item ?? [];
      expect(items.filter((item) => item.type === 'display').map((item) => item.linkId)).toEqual(
        instrument.displayLinkIds,
      );
      const asked = items.filter((item) => item.type !== 'display');
      expect(asked.map(scoringFacts)).toEqual(
        instrument.items.map((item) => ({
          linkId: item.linkId,
          loinc: item.loinc,
          required: item.required,
          answers: item.answers.map(({ system, code, display, score }) => ({ system, code, display, score })),
        })),
      );
      for (const item of asked) {
        expect(item.type).toBe('choice');
      }
    },
  );

  it('when a band, total or answer is coded with a PeerBridge code, then the published CodeSystem defines it with that display', () => {
    const codings = Object.values(INSTRUMENTS).flatMap((instrument) => [
      instrument.totalCode,
      ...instrument.bands.map((band) => band.code),
      ...instrument.items.flatMap((item) => item.answers),
    ]);
    const ours = codings.filter(
      (coding) => coding.system === OUTCOME_SCORE_SYSTEM || coding.system === OUTCOME_ANSWER_SYSTEM,
    );
    expect(ours.length).toBeGreaterThan(0);
    for (const { system, code, display } of ours) {
      expect(codeSystem(system)?.concept).toContainEqual(
        expect.objectContaining({ code, display, definition: expect.any(String) }),
      );
    }
    for (const url of [OUTCOME_SCORE_SYSTEM, OUTCOME_ANSWER_SYSTEM]) {
      expect(codeSystem(url)?.count).toBe(codeSystem(url)?.concept?.length);
    }
  });

  it('when the encounter Questionnaires and CodeSystems are validated as R4 by the project validator, then each passes', () => {
    const validator = createValidator();
    // Outcome score and answer CodeSystems, session type and topic, safety concern; five
    // instruments; the Flag status and category SearchParameters; the session extensions and the
    // Encounter, Appointment, QuestionnaireResponse, outcome Observation, safety Flag and
    // Communication profiles.
    expect(published.map((resource) => resource.resourceType).sort()).toEqual([
      ...Array(5).fill('CodeSystem'),
      ...Array(5).fill('Questionnaire'),
      ...Array(2).fill('SearchParameter'),
      ...Array(8).fill('StructureDefinition'),
    ]);
    for (const resource of published) {
      expect(() => validator.validate(resource)).not.toThrow();
    }
    expect(() =>
      validator.validate({ ...questionnaires[0]!, status: 'published' } as unknown as Questionnaire),
    ).toThrow();
  });

  it('when the bands of an instrument are laid end to end, then they cover its whole range without gap or overlap', () => {
    for (const instrument of Object.values(INSTRUMENTS).filter((i) => i.bands.length > 0)) {
      expect(instrument.bands[0]!.min).toBe(instrument.totalRange.min);
      expect(instrument.bands.at(-1)!.max).toBe(instrument.totalRange.max);
      instrument.bands.slice(1).forEach((band, i) => expect(band.min).toBe(instrument.bands[i]!.max + 1));
    }
  });

  it('when the total range is stated, then it is the sum of the lowest and of the highest scored answers', () => {
    for (const instrument of Object.values(INSTRUMENTS)) {
      const scored = instrument.items.filter((item) => item.scored);
      const sum = (pick: (scores: number[]) => number) =>
        scored.reduce((total, item) => total + pick(item.answers.map((a) => a.score!)), 0);
      const report = instrument.reportedScore ?? ((raw: number) => raw);
      expect({ min: report(sum((s) => Math.min(...s))), max: report(sum((s) => Math.max(...s))) }).toEqual(
        instrument.totalRange,
      );
    }
  });

  it("when a Questionnaire states its copyright, then PHQ-9 and GAD-7 carry Pfizer's statement and SWEMWBS the line its licence requires", () => {
    const copyright = (id: string) => questionnaireOf(INSTRUMENTS[id as keyof typeof INSTRUMENTS])?.copyright;
    for (const id of ['phq-9', 'gad-7']) {
      expect(copyright(id)).toContain(
        'No permission required to reproduce, translate, display or distribute.',
      );
    }
    expect(copyright('swemwbs')).toContain(
      '© NHS Health Scotland, University of Warwick and University of Edinburgh, 2008',
    );
    expect(copyright('ucla-3')).toContain('Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT');
    expect(copyright('qpr-15')).toContain('Neil ST');
  });

  it('when a response names a Questionnaire with or without its version, then the instrument is found; another version is not it', () => {
    expect(instrumentForCanonical('https://peerbridge.org/fhir/Questionnaire/gad-7')?.id).toBe('gad-7');
    expect(instrumentForCanonical('https://peerbridge.org/fhir/Questionnaire/gad-7|1.0.0')?.id).toBe('gad-7');
    expect(instrumentForCanonical('https://peerbridge.org/fhir/Questionnaire/gad-7|2.0.0')).toBeUndefined();
    expect(instrumentForCanonical('http://example.org/Questionnaire/gad-7')).toBeUndefined();
  });
});

describe('SWEMWBS conversion table', () => {
  it.each([
    [7, 7.0],
    [8, 9.51],
    [14, 15.32],
    [21, 19.25],
    [28, 25.03],
    [34, 32.55],
    [35, 35.0],
  ])('when the raw score is %i, then the metric score is %d', (raw, metric) => {
    expect(swemwbsMetricScore(raw)).toBe(metric);
  });

  it('when the metric scores are read in raw order, then they rise strictly', () => {
    const metrics = Array.from({ length: 29 }, (_, i) => swemwbsMetricScore(i + 7));
    metrics.slice(1).forEach((metric, i) => expect(metric).toBeGreaterThan(metrics[i]!));
  });

  it.each([6, 36, 20.5])('when the raw score is %d, then it is refused as out of range', (raw) => {
    expect(() => swemwbsMetricScore(raw)).toThrow(RangeError);
  });
});
