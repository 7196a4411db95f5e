import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CapabilityStatement, Extension, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { referralService } from '@peerbridge/referral';
import { loadProfiles, publishedResources, ResourceValidator, ValueSetRegistry } from '@peerbridge/shared';
import { serviceRequest, task } from '../support/fixtures.js';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let api: ReturnType<typeof fhirClient>;

beforeAll(async () => {
  t = await startTestApp([referralService]);
  api = fhirClient(t);
});
afterAll(() => t.close());

describe('PeerBridge profiles', () => {
  it('when a ServiceRequest has no code, then its profile rejects it with 400 pointing at code', async () => {
    const { code: _code, ...withoutCode } = serviceRequest();
    const res = await api
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .send(withoutCode);
    expect(res.status).toBe(400);
    expect(res.body.issue).toContainEqual(expect.objectContaining({ expression: ['ServiceRequest.code'] }));
  });

  it('when a Task has no focus, then its profile rejects it with 400 pointing at focus', async () => {
    const { focus: _focus, ...withoutFocus } = task('ServiceRequest/1', 'Patient/1');
    const res = await api.post('/fhir/Task').set('Content-Type', 'application/fhir+json').send(withoutFocus);
    expect(res.status).toBe(400);
    expect(res.body.issue).toContainEqual(expect.objectContaining({ expression: ['Task.focus'] }));
  });

  it('when a resource meets its profile, then it is stored', async () => {
    const res = await api
      .post('/fhir/Task')
      .set('Content-Type', 'application/fhir+json')
      .send(task('ServiceRequest/1', 'Patient/1'));
    expect(res.status).toBe(201);
  });

  it('when the CapabilityStatement is read, then each resource names its profile', async () => {
    const res = await api.get('/fhir/metadata');
    const resources = (res.body as CapabilityStatement).rest![0]!.resource!;
    expect(resources.find((r) => r.type === 'ServiceRequest')?.supportedProfile).toEqual([
      'https://peerbridge.org/fhir/StructureDefinition/peerbridge-servicerequest',
    ]);
    expect(resources.find((r) => r.type === 'Task')?.supportedProfile).toEqual([
      'https://peerbridge.org/fhir/StructureDefinition/peerbridge-referral-task',
    ]);
  });
});

const EXTENSION_BASE = 'https://peerbridge.org/fhir/StructureDefinition/referral-preferred-';
const CONTACT_POINT_SYSTEM = 'http://hl7.org/fhir/contact-point-system';

describe('PeerBridge extensions', () => {
  const create = (extension: Extension[], resource: Resource = serviceRequest({ extension })) =>
    api.post(`/fhir/${resource.resourceType}`).set('Content-Type', 'application/fhir+json').send(resource);
  const countFor = async (patient: string) =>
    (await api.get('/fhir/ServiceRequest').query({ patient, _summary: 'count' })).body.total as number;

  it('when a ServiceRequest carries every referral extension with its defined value type, then it is stored with them', async () => {
    const extension = [
      { url: `${EXTENSION_BASE}language`, valueCode: 'es' },
      { url: `${EXTENSION_BASE}contact-method`, valueCoding: { system: CONTACT_POINT_SYSTEM, code: 'sms' } },
      { url: `${EXTENSION_BASE}contact-time`, valueString: 'Weekday evenings' },
    ];
    const res = await create(extension);
    expect(res.status).toBe(201);
    expect(res.body.extension).toEqual(expect.arrayContaining(extension));
  });

  it.each([
    ['language', { valueString: 'es' }, 'ServiceRequest.extension[0].valueString'],
    ['contact-method', { valueCode: 'sms' }, 'ServiceRequest.extension[0].valueCode'],
    ['contact-time', { valueBoolean: true }, 'ServiceRequest.extension[0].valueBoolean'],
  ])(
    'when the %s extension has a value of another type, then the write is refused with 400 at that value and nothing is stored',
    async (name, value, expression) => {
      const resource = serviceRequest({ extension: [{ url: `${EXTENSION_BASE}${name}`, ...value }] });
      const res = await create([], resource);
      expect(res.status).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue).toContainEqual(
        expect.objectContaining({ code: 'structure', expression: [expression] }),
      );
      expect(await countFor(resource.subject!.reference!)).toBe(0);
    },
  );

  it('when the contact method is not a ContactPoint system code, then the write is refused with 400 at the code', async () => {
    const res = await create([
      {
        url: `${EXTENSION_BASE}contact-method`,
        valueCoding: { system: CONTACT_POINT_SYSTEM, code: 'pigeon' },
      },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.issue).toContainEqual(
      expect.objectContaining({
        code: 'code-invalid',
        expression: ['ServiceRequest.extension[0].value[x].code'],
      }),
    );
  });

  it('when a referral extension is given twice, then the write is refused with 400 at the second one', async () => {
    const res = await create([
      { url: `${EXTENSION_BASE}language`, valueCode: 'es' },
      { url: `${EXTENSION_BASE}language`, valueCode: 'en' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.issue).toContainEqual(
      expect.objectContaining({ expression: ['ServiceRequest.extension[1]'] }),
    );
  });

  it('when a referral extension is put on a Task, outside its context, then the write is refused with 400 at the extension', async () => {
    const res = await create(
      [],
      task('ServiceRequest/1', 'Patient/1', {
        extension: [{ url: `${EXTENSION_BASE}language`, valueCode: 'es' }],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.issue).toContainEqual(expect.objectContaining({ expression: ['Task.extension[0]'] }));
  });
});

describe('published definitions', () => {
  const published = publishedResources();

  it('when every file under fhir-profiles/<service>/ is validated as R4, then each is valid and named after its id', () => {
    const validator = new ResourceValidator(ValueSetRegistry.fromR4(), loadProfiles());
    expect(published.map(({ file }) => file.split('/')[0])).toEqual(
      expect.arrayContaining(['care-team', 'referral']),
    );
    for (const { file, resource } of published) {
      expect(() => validator.validate(resource)).not.toThrow();
      expect(file.endsWith(`/${resource.resourceType}-${resource.id}.json`)).toBe(true);
    }
  });

  it('when an extension definition is published, then it is an R4 extension with a context, a fixed url and one value type', () => {
    const extensions = published
      .map(({ resource }) => resource)
      .filter((resource): resource is StructureDefinition => resource.resourceType === 'StructureDefinition')
      .filter((definition) => definition.type === 'Extension');
    expect(extensions.map((definition) => definition.url).sort()).toEqual([
      'https://peerbridge.org/fhir/StructureDefinition/peer-supporter-caseload-capacity',
      'https://peerbridge.org/fhir/StructureDefinition/peer-supporter-lived-experience',
      'https://peerbridge.org/fhir/StructureDefinition/qualification-training-hours',
      `${EXTENSION_BASE}contact-method`,
      `${EXTENSION_BASE}contact-time`,
      `${EXTENSION_BASE}language`,
      'https://peerbridge.org/fhir/StructureDefinition/session-note',
      'https://peerbridge.org/fhir/StructureDefinition/session-topic',
    ]);
    for (const definition of extensions) {
      expect(definition).toMatchObject({
        kind: 'complex-type',
        abstract: false,
        fhirVersion: '4.0.1',
        baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Extension',
        derivation: 'constraint',
      });
      expect(definition.context?.length).toBeGreaterThan(0);
      const element = (path: string) => definition.differential?.element?.find((e) => e.path === path);
      expect(element('Extension.url')?.fixedUri).toBe(definition.url);
      expect(element('Extension.value[x]')).toMatchObject({ min: 1 });
      expect(element('Extension.value[x]')?.type).toHaveLength(1);
    }
  });
});
