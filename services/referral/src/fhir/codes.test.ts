import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { CodeSystem } from '@medplum/fhirtypes';
import { FHIR_PROFILES_DIR, loadProfiles, ResourceValidator, ValueSetRegistry } from '@peerbridge/shared';
import { PEERBRIDGE_FHIR_BASE, PEERBRIDGE_REFERRAL_CATEGORY } from './codes.js';

const published = readdirSync(FHIR_PROFILES_DIR)
  .filter((file) => file.startsWith('CodeSystem-') && file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(join(FHIR_PROFILES_DIR, file), 'utf8')) as CodeSystem);

describe('PeerBridge code systems', () => {
  it.each([PEERBRIDGE_REFERRAL_CATEGORY])(
    'when $system|$code is written, then fhir-profiles/ publishes that code with its display',
    ({ system, code, display }) => {
      expect(system.startsWith(`${PEERBRIDGE_FHIR_BASE}/CodeSystem/`)).toBe(true);
      const codeSystem = published.find((candidate) => candidate.url === system);
      expect(codeSystem?.concept).toContainEqual(expect.objectContaining({ code, display }));
    },
  );

  it('when the published code systems are validated, then each is a valid R4 CodeSystem whose count matches', () => {
    const validator = new ResourceValidator(ValueSetRegistry.fromR4(), loadProfiles());
    expect(published.length).toBeGreaterThan(0);
    for (const codeSystem of published) {
      expect(() => validator.validate(codeSystem)).not.toThrow();
      expect(codeSystem.count).toBe(codeSystem.concept?.length);
    }
  });
});
