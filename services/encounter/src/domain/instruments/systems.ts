/** Code systems of the outcome instruments (docs/terminology.md, "Outcome measures"). */
export const LOINC = 'http://loinc.org';
export const SNOMED = 'http://snomed.info/sct';
const PEERBRIDGE_FHIR_BASE = 'https://peerbridge.org/fhir';
/** fhir-profiles/encounter/CodeSystem-outcome-score.json: totals and bands without a standard code. */
export const OUTCOME_SCORE_SYSTEM = `${PEERBRIDGE_FHIR_BASE}/CodeSystem/outcome-score`;
/** fhir-profiles/encounter/CodeSystem-outcome-answer.json: answers without a confirmed LOINC code. */
export const OUTCOME_ANSWER_SYSTEM = `${PEERBRIDGE_FHIR_BASE}/CodeSystem/outcome-answer`;
/** Canonical URL of a PeerBridge Questionnaire. */
export const questionnaireUrl = (id: string) => `${PEERBRIDGE_FHIR_BASE}/Questionnaire/${id}`;
/** Cited by the reliable change and caseness thresholds of PHQ-9 and GAD-7. */
export const NHS_TALKING_THERAPIES =
  'NHS Talking Therapies for anxiety and depression Manual (formerly IAPT), NHS England';
