import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestSecurity,
} from '@medplum/fhirtypes';
import type { ResourceDefinition } from '../resource-definition.js';

const COMMON_SEARCH_PARAMETERS = [
  { name: '_id', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id' },
  {
    name: '_lastUpdated',
    type: 'date',
    definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated',
  },
] as const;

/**
 * The CapabilityStatement, generated from the ResourceDefinition rows the FHIR router registers
 * its routes from, so what it declares is exactly what the server does.
 */
export function capabilityStatement(
  definitions: readonly ResourceDefinition[],
  options: { baseUrl: string; version: string; date: string; security?: CapabilityStatementRestSecurity },
): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: options.date,
    kind: 'instance',
    software: { name: 'PeerBridge', version: options.version },
    implementation: { description: 'PeerBridge FHIR API', url: `${options.baseUrl}/fhir` },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        ...(options.security ? { security: options.security } : {}),
        resource: [...definitions].sort((a, b) => a.type.localeCompare(b.type)).map(resourceEntry),
      },
    ],
  };
}

function resourceEntry(definition: ResourceDefinition): CapabilityStatementRestResource {
  const supports = (interaction: string) => definition.interactions.some((i) => i === interaction);
  return {
    type: definition.type,
    ...(definition.profile ? { supportedProfile: [definition.profile] } : {}),
    interaction: definition.interactions.map((code) => ({ code })),
    versioning: 'versioned-update',
    readHistory: supports('vread'),
    updateCreate: false,
    conditionalCreate: supports('create'),
    conditionalRead: 'not-supported',
    conditionalUpdate: false,
    conditionalDelete: 'not-supported',
    searchInclude: [...definition.includes],
    searchParam: [
      ...COMMON_SEARCH_PARAMETERS,
      ...[...definition.searchParameters.values()].map(({ name, type, definition: url, documentation }) => ({
        name,
        type,
        definition: url,
        documentation,
      })),
    ],
  };
}
