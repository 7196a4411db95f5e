import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataType } from '@medplum/core';
import type { Resource, StructureDefinition } from '@medplum/fhirtypes';
import { loadR4Definitions } from '../r4/r4-definitions.js';
import { withSnapshot } from './snapshot.js';

/**
 * The repository's fhir-profiles/ directory: one folder per service (`fhir-profiles/referral/`)
 * holding the StructureDefinitions (profiles and extension definitions) and CodeSystems that
 * service publishes, as JSON.
 */
export const FHIR_PROFILES_DIR = fileURLToPath(new URL('../../../../../fhir-profiles/', import.meta.url));

export interface PublishedResource {
  /** Relative to the profiles directory, e.g. `referral/CodeSystem-referral-category.json`. */
  readonly file: string;
  readonly resource: Resource;
}

/** Every resource that a service publishes in its folder of the profiles directory. */
export function publishedResources(directory: string = FHIR_PROFILES_DIR): PublishedResource[] {
  const services = readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return services.flatMap((service) =>
    readdirSync(join(directory, service))
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => ({
        file: `${service}/${name}`,
        resource: JSON.parse(readFileSync(join(directory, service, name), 'utf8')) as Resource,
      })),
  );
}

/** Loads every published StructureDefinition of every service, with its snapshot, keyed by canonical URL. */
export function loadProfiles(directory: string = FHIR_PROFILES_DIR): Map<string, StructureDefinition> {
  loadR4Definitions();
  const profiles = new Map<string, StructureDefinition>();
  for (const { file, resource: authored } of publishedResources(directory)) {
    if (authored.resourceType !== 'StructureDefinition' || !authored.url) {
      continue;
    }
    if (profiles.has(authored.url)) {
      throw new Error(`${file}: ${authored.url} is published twice`);
    }
    const resource = withSnapshot(authored);
    loadDataType(resource);
    profiles.set(resource.url, resource);
  }
  return profiles;
}
