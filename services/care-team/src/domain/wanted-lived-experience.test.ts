import { describe, expect, it } from '@jest/globals';
import { wantedLivedExperience } from './wanted-lived-experience.js';

const SNOMED = 'http://snomed.info/sct';
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';

describe('wantedLivedExperience', () => {
  it.each([
    ['35489007', 'depression'], // Depressive disorder
    ['370143000', 'depression'], // Major depressive disorder
    ['197480006', 'anxiety'], // Anxiety disorder
    ['69322001', 'psychosis'], // Psychotic disorder
    ['13746004', 'bipolar'], // Bipolar disorder
    ['47505003', 'trauma'], // Posttraumatic stress disorder
    ['72366004', 'eating-disorder'], // Eating disorder
    ['7200002', 'substance-use-recovery'], // Alcoholism
    ['66214007', 'substance-use-recovery'], // Substance abuse
  ])('when a reason is SNOMED CT %s, then it asks for %s', (code, wanted) => {
    expect(wantedLivedExperience([`${SNOMED}|${code}`])).toEqual([wanted]);
  });

  it.each([
    ['F32.9', 'depression'], // Major depressive disorder, single episode, unspecified
    ['F33.1', 'depression'], // Major depressive disorder, recurrent, moderate
    ['F40.10', 'anxiety'], // Social phobia, unspecified
    ['F41.1', 'anxiety'], // Generalized anxiety disorder
    ['F20.9', 'psychosis'], // Schizophrenia, unspecified
    ['F29', 'psychosis'], // Unspecified psychosis not due to a substance or known physiological condition
    ['F31.9', 'bipolar'], // Bipolar disorder, unspecified
    ['F10.20', 'substance-use-recovery'], // Alcohol dependence, uncomplicated
    ['F11.20', 'substance-use-recovery'], // Opioid dependence, uncomplicated
    ['F43.10', 'trauma'], // Post-traumatic stress disorder, unspecified
    ['F50.00', 'eating-disorder'], // Anorexia nervosa, unspecified
    ['Z63.4', 'bereavement'], // Disappearance and death of family member
    ['Z91.51', 'self-harm-recovery'], // Personal history of suicidal behavior
    ['Z91.52', 'self-harm-recovery'], // Personal history of nonsuicidal self-harm
    ['f32.9', 'depression'], // lower-case as some EHRs send it
  ])('when a reason is ICD-10-CM %s, then it asks for %s', (code, wanted) => {
    expect(wantedLivedExperience([`${ICD10CM}|${code}`])).toEqual([wanted]);
  });

  it.each([
    [`${ICD10CM}|F43.2`], // Adjustment disorders: not trauma (F43.1 alone is PTSD)
    [`${ICD10CM}|F30.9`], // Manic episode: not mapped
    [`${ICD10CM}|Z63.5`], // Disruption of family by separation and divorce: not bereavement
    [`${ICD10CM}|E11.9`], // Type 2 diabetes
    [`${SNOMED}|44054006`], // Diabetes mellitus type 2
    [`${SNOMED}|F32.9`], // an ICD-10-CM code under the SNOMED CT system
    [`${ICD10CM}|35489007`], // a SNOMED CT code under the ICD-10-CM system
    ['http://example.org/local|35489007'],
    ['35489007'], // no system at all
    [''],
  ])('when the only reason is %s, then nothing is asked for', (token) => {
    expect(wantedLivedExperience([token])).toEqual([]);
  });

  it('when several reasons map, then each lived experience is asked for once, sorted', () => {
    expect(
      wantedLivedExperience([
        `${SNOMED}|47505003`,
        `${ICD10CM}|F32.9`,
        `${SNOMED}|35489007`,
        `${ICD10CM}|E11.9`,
        `${ICD10CM}|F10.20`,
      ]),
    ).toEqual(['depression', 'substance-use-recovery', 'trauma']);
  });

  it('when there are no reasons, then nothing is asked for', () => {
    expect(wantedLivedExperience([])).toEqual([]);
  });
});
