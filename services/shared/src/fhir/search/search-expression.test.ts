import { describe, expect, it } from '@jest/globals';
import {
  evalFhirPathTyped,
  getSearchParameters,
  parseFhirPath,
  toTypedValue,
  type TypedValue,
} from '@medplum/core';
import type { Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { loadR4ResourceType } from '../r4/r4-definitions.js';
import { compileSearchExpression } from './search-expression.js';

loadR4ResourceType('ServiceRequest');
loadR4ResourceType('Task');

const SERVICE_REQUEST: ServiceRequest = {
  resourceType: 'ServiceRequest',
  id: 'sr-1',
  status: 'active',
  intent: 'order',
  priority: 'urgent',
  category: [
    { coding: [{ system: 'http://snomed.info/sct', code: '409063005' }, { code: 'local' }] },
    { text: 'free text only' },
  ],
  code: { coding: [{ system: 'http://snomed.info/sct', code: '1255675005' }] },
  subject: { reference: 'Patient/p-1' },
  encounter: { reference: 'Encounter/e-1/_history/2' },
  requester: { reference: 'Practitioner/c-1', display: 'A clinician' },
  performer: [{ reference: 'Organization/o-1' }, { display: 'display only' }, { reference: '#contained' }],
  basedOn: [{ reference: 'CarePlan/cp-1' }],
  authoredOn: '2026-11-30T09:15:00Z',
  occurrencePeriod: { start: '2026-12-01', end: '2026-12-31' },
  identifier: [{ system: 'urn:placer', value: 'A-1' }, { value: 'no-system' }],
  _status: { extension: [{ url: 'urn:note', valueString: 'kept' }] },
} as ServiceRequest;

const TASK: Task = {
  resourceType: 'Task',
  id: 't-1',
  status: 'requested',
  intent: 'order',
  businessStatus: { text: 'waiting' },
  code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
  for: { reference: 'Patient?identifier=urn:mrn|42' },
  focus: { reference: 'ServiceRequest/sr-1' },
  owner: { type: 'Organization', identifier: { system: 'urn:org', value: 'x' } },
  requester: { reference: 'Practitioner/c-1' },
  performerType: [{ coding: [{ system: 'http://snomed.info/sct', code: '106328005' }] }],
  partOf: [{ reference: 'Task/t-0' }],
  authoredOn: '2026-11-30',
  lastModified: '2026-11-30T10:00:00+01:00',
  executionPeriod: { start: '2026-12-01T08:00:00Z' },
};

const ABSENT: ServiceRequest = {
  resourceType: 'ServiceRequest',
  status: 'draft',
  intent: 'plan',
  subject: {},
};

/** Every R4 search expression of the type, reduced to the branch for that type. */
function branchesOf(type: string): [name: string, expression: string][] {
  return Object.entries(getSearchParameters(type) ?? {}).flatMap(([name, parameter]) => {
    const branches = (parameter.expression ?? '')
      .split(' | ')
      .map((branch) => branch.trim())
      .filter((branch) => branch.startsWith(`${type}.`));
    return branches.length > 0 ? [[name, branches.join(' | ')] as [string, string]] : [];
  });
}

const comparable = (values: TypedValue[]) => values.map(({ type, value }) => ({ type, value }));

describe('compileSearchExpression', () => {
  const cases = [SERVICE_REQUEST, TASK, ABSENT].flatMap((resource: Resource) =>
    branchesOf(resource.resourceType).map(
      ([name, expression]) => [`${resource.resourceType}?${name}`, expression, resource] as const,
    ),
  );

  it('when the R4 search parameters of ServiceRequest and Task are listed, then there are cases to compare', () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  it.each(cases)(
    'when %s (%s) is compiled, then it selects what evaluating the FHIRPath selects',
    (_name, expression, resource) => {
      const typed = toTypedValue(resource);
      expect(comparable(compileSearchExpression(expression)(typed))).toEqual(
        comparable(evalFhirPathTyped(parseFhirPath(expression), [typed])),
      );
    },
  );

  // Where @medplum/core's resolve() is looser than a FHIR reference (it also takes `Patient/p 1`
  // or `Patient/p-1/extra` for a Patient), the compiled filter keeps to the documented forms:
  // `Type/id` with a FHIR id, optionally versioned, at the start or after a slash, or `Type?criteria`.
  it.each([
    ['Patient/p-1', true],
    ['Patient/p-1/_history/3', true],
    ['https://ehr.example/fhir/Patient/p-1', true],
    ['https://ehr.example/fhir/Patient/p-1/_history/3', true],
    ['Patient?identifier=urn:mrn|42', true],
    ['Group/g-1', false],
    ['https://ehr.example/fhir/Group/g-1', false],
    ['#contained', false],
    ['urn:uuid:0d5b4a3c-1f0e-4c55-9a4b-9b9a7a0c1d2e', false],
    ['xPatient/p-1', false],
    ['Patient/p-1/extra', false],
    ['Patient/p-1/_history/3/extra', false],
    ['Patient/p-1/_history/', false],
    [`Patient/${'a'.repeat(64)}`, true],
    [`Patient/${'a'.repeat(65)}`, false],
    [`Patient/p-1/_history/${'1'.repeat(64)}`, true],
    [`Patient/p-1/_history/${'1'.repeat(65)}`, false],
    ['Patient/p 1', false],
    ['Patient/', false],
    ['P/p-1', false],
    ['patient/p-1', false],
    ['Patient1/p-1', false],
    ['https://ehr.example/fhir/xPatient/p-1', false],
    ['https://ehr.example/Patient/p-1', true],
    ['Patient?identifier=x', true],
    ['Patient?', true],
    ['xPatient?identifier=x', false],
  ])('when a subject reference is %s, then patient selects it: %s', (reference, selected) => {
    const patient = compileSearchExpression('ServiceRequest.subject.where(resolve() is Patient)');
    const found = patient(toTypedValue({ ...SERVICE_REQUEST, subject: { reference } }));
    expect(found.map(({ value }) => (value as { reference?: string }).reference)).toEqual(
      selected ? [reference] : [],
    );
  });

  it('when an expression is not a member path, then it is evaluated as FHIRPath', () => {
    const values = compileSearchExpression("ServiceRequest.identifier.where(system = 'urn:placer').value");
    expect(comparable(values(toTypedValue(SERVICE_REQUEST)))).toEqual([{ type: 'string', value: 'A-1' }]);
  });

  it.each([
    'ServiceRequest.requester | ServiceRequest.subject',
    'ServiceRequest.subject.where(resolve() is Patient).reference',
    'ServiceRequest.subject.reference',
    'ServiceRequest.performer.where(resolve() is Organization)',
    '(ServiceRequest.subject)',
    'ServiceRequest.subject.where(resolve() is Patient) | ServiceRequest.requester',
  ])('when %s is compiled, then it selects what evaluating the FHIRPath selects', (expression) => {
    const typed = toTypedValue(SERVICE_REQUEST);
    const expected = comparable(evalFhirPathTyped(parseFhirPath(expression), [typed]));
    expect(expected.length).toBeGreaterThan(0);
    expect(comparable(compileSearchExpression(expression)(typed))).toEqual(expected);
  });
});
