/**
 * What lived experience to look for, from a referral's reason codes. Only codes whose meaning is
 * unambiguous are mapped (ICD-10-CM categories by prefix, SNOMED CT concepts exactly, as listed
 * in docs/terminology.md); anything else maps to nothing, and a coordinator can say what to
 * look for instead (suggestPeerSupporters' `livedExperience`).
 */
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
const SNOMED = 'http://snomed.info/sct';

/** ICD-10-CM category prefixes → PeerBridge lived-experience code. */
const ICD10CM_PREFIXES: readonly (readonly [string, string])[] = [
  ['F32', 'depression'],
  ['F33', 'depression'],
  ['F40', 'anxiety'],
  ['F41', 'anxiety'],
  ['F2', 'psychosis'],
  ['F31', 'bipolar'],
  ['F1', 'substance-use-recovery'],
  ['F43.1', 'trauma'],
  ['F50', 'eating-disorder'],
  ['Z63.4', 'bereavement'],
  ['Z91.5', 'self-harm-recovery'],
];

/** SNOMED CT disorders → PeerBridge lived-experience code. */
const SNOMED_CODES: Readonly<Record<string, string>> = {
  '35489007': 'depression', // Depressive disorder
  '370143000': 'depression', // Major depressive disorder
  '197480006': 'anxiety', // Anxiety disorder
  '69322001': 'psychosis', // Psychotic disorder
  '13746004': 'bipolar', // Bipolar disorder
  '47505003': 'trauma', // Posttraumatic stress disorder
  '72366004': 'eating-disorder', // Eating disorder
  '7200002': 'substance-use-recovery', // Alcoholism
  '66214007': 'substance-use-recovery', // Substance abuse
};

/** `reasonCodes` as `system|code`; the lived experience they suggest, without repeats. */
export function wantedLivedExperience(reasonCodes: readonly string[]): string[] {
  const wanted = new Set<string>();
  for (const token of reasonCodes) {
    const bar = token.indexOf('|');
    const system = token.slice(0, bar);
    const code = token.slice(bar + 1);
    if (system === SNOMED && SNOMED_CODES[code]) {
      wanted.add(SNOMED_CODES[code]);
    }
    if (system === ICD10CM) {
      // Longest prefix first would matter only if prefixes nested across codes; F1/F2 are
      // chapter blocks and the others are not inside them.
      const match = ICD10CM_PREFIXES.find(([prefix]) => code.toUpperCase().startsWith(prefix));
      if (match) {
        wanted.add(match[1]);
      }
    }
  }
  return [...wanted].sort();
}
