import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataType } from '@medplum/core';
import type { StructureDefinition } from '@medplum/fhirtypes';
import { loadR4Definitions } from '../r4-definitions.js';
import { withSnapshot } from './snapshot.js';

/** The repository's fhir-profiles/ directory: PeerBridge's StructureDefinitions, as JSON. */
export const FHIR_PROFILES_DIR = fileURLToPath(new URL('../../../../../fhir-profiles/', import.meta.url));

/** Loads every StructureDefinition in a directory, keyed by canonical URL. */
export function loadProfiles(directory: string = FHIR_PROFILES_DIR): Map<string, StructureDefinition> {
  loadR4Definitions();
  const profiles = new Map<string, StructureDefinition>();
  for (const file of readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const authored = JSON.parse(readFileSync(join(directory, file), 'utf8')) as StructureDefinition;
    if (authored.resourceType !== 'StructureDefinition' || !authored.url) {
      continue;
    }
    const resource = withSnapshot(authored);
    loadDataType(resource);
    profiles.set(resource.url, resource);
  }
  return profiles;
}
