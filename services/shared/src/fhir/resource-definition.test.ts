import { describe, expect, it } from '@jest/globals';
import { defineResource, type PublishedSearchParameter } from './resource-definition.js';

const ROLE: PublishedSearchParameter = {
  code: 'role',
  type: 'token',
  expression: 'CareTeam.participant.role',
  url: 'http://hl7.org/fhir/us/core/SearchParameter/us-core-careteam-role',
  description: 'Returns CareTeam resources with a participant role matching the specified code.',
};

describe('published (non-R4) search parameters', () => {
  it('when one is declared, then it is a search parameter under its code, canonical URL and expression', () => {
    const definition = defineResource({
      type: 'CareTeam',
      interactions: ['search-type'],
      searchParameters: ['patient'],
      publishedSearchParameters: [ROLE],
    });
    expect(definition.searchParameters.get('role')).toMatchObject({
      name: 'role',
      type: 'token',
      expression: 'CareTeam.participant.role',
      definition: 'http://hl7.org/fhir/us/core/SearchParameter/us-core-careteam-role',
      documentation: ROLE.description,
    });
    expect([...definition.searchParameters.keys()]).toEqual(['patient', 'role']);
  });

  it('when one takes the code of an R4 parameter, then the definition is refused', () => {
    expect(() =>
      defineResource({
        type: 'CareTeam',
        interactions: ['search-type'],
        searchParameters: [],
        publishedSearchParameters: [{ ...ROLE, code: 'status' }],
      }),
    ).toThrow('CareTeam?status is an R4 search parameter; name it in searchParameters');
  });

  it('when its expression has no branch for the type, then the definition is refused', () => {
    expect(() =>
      defineResource({
        type: 'Practitioner',
        interactions: ['search-type'],
        searchParameters: [],
        publishedSearchParameters: [ROLE],
      }),
    ).toThrow('No Practitioner branch in expression CareTeam.participant.role');
  });
});
