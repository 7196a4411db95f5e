import { describe, expect, it } from '@jest/globals';
import type { CodeSystem, StructureDefinition } from '@medplum/fhirtypes';
import { publishedResources } from '@peerbridge/shared';
import { REFERRAL_STATUSES, type ReferralDetails } from '../domain/referral.js';
import { PEERBRIDGE_FHIR_BASE, PEERBRIDGE_REFERRAL_CATEGORY } from './codes.js';
import { toFhirServiceRequest } from './to-fhir.js';

const published = publishedResources()
  .filter(({ file }) => file.startsWith('referral/'))
  .map(({ resource }) => resource);
const codeSystems = published.filter(
  (resource): resource is CodeSystem => resource.resourceType === 'CodeSystem',
);
const definitions = published.filter(
  (resource): resource is StructureDefinition => resource.resourceType === 'StructureDefinition',
);

/** A referral with every optional contact preference, so that every extension is written. */
const WITH_CONTACT_PREFERENCES: ReferralDetails = {
  patient: { reference: 'Patient/p-1' },
  requester: 'Practitioner/dr-1',
  program: 'Organization/program',
  reason: { text: 'Low mood', codes: [], references: [] },
  priority: 'routine',
  preferredLanguage: 'es',
  preferredContact: { method: 'sms', time: 'Weekday evenings' },
  doNotContact: false,
};

describe('PeerBridge code systems and extensions of the referral service', () => {
  it.each([PEERBRIDGE_REFERRAL_CATEGORY])(
    'when $system|$code is written, then fhir-profiles/referral/ publishes that code with its display',
    ({ system, code, display }) => {
      expect(system.startsWith(`${PEERBRIDGE_FHIR_BASE}/CodeSystem/`)).toBe(true);
      const codeSystem = codeSystems.find((candidate) => candidate.url === system);
      expect(codeSystem?.concept).toContainEqual(expect.objectContaining({ code, display }));
    },
  );

  it('when a code system is published, then its count matches its concepts', () => {
    expect(codeSystems.length).toBeGreaterThan(0);
    for (const codeSystem of codeSystems) {
      expect(codeSystem.count).toBe(codeSystem.concept?.length);
    }
  });

  it('when a referral with every contact preference is mapped, then each extension it writes has a published definition for ServiceRequest whose value type is the one written', () => {
    const extensions =
      toFhirServiceRequest(WITH_CONTACT_PREFERENCES, REFERRAL_STATUSES[0], '2026-01-01').extension ?? [];
    expect(extensions).toHaveLength(3);
    for (const extension of extensions) {
      const definition = definitions.find((candidate) => candidate.url === extension.url);
      expect(definition).toMatchObject({ type: 'Extension', kind: 'complex-type', derivation: 'constraint' });
      expect(definition?.context).toEqual([{ type: 'element', expression: 'ServiceRequest' }]);
      const value = definition?.differential?.element?.find(
        (element) => element.path === 'Extension.value[x]',
      );
      const writtenType = Object.keys(extension)
        .find((key) => key.startsWith('value'))!
        .slice('value'.length);
      expect(value?.type?.map((type) => type.code.toLowerCase())).toEqual([writtenType.toLowerCase()]);
    }
  });
});
