import { describe, expect, it } from '@jest/globals';
import type { Patient, Task } from '@medplum/fhirtypes';
import { OperationOutcomeError } from '../errors/operation-outcome-error.js';
import { defineResource } from '../fhir/resource-definition.js';
import { parseSearchRequest, type AccessRestriction } from '../fhir/search/search-request.js';
import { createAuthContext } from './auth-context.js';
import { ResourceAccess, type Grant } from './resource-access.js';

const BASE = 'https://pb.example';
const ISS = 'https://ehr.example/auth';
const TASK = defineResource({
  type: 'Task',
  interactions: ['read', 'search-type'],
  searchParameters: ['patient', 'status', 'code', 'focus', 'authored-on'],
  includes: ['focus'],
});
const SERVICE_REQUEST = defineResource({
  type: 'ServiceRequest',
  interactions: ['read'],
  searchParameters: ['subject', 'category'],
});
const PATIENT = defineResource({
  type: 'Patient',
  interactions: ['read'],
  searchParameters: ['link', 'name'],
});
const READ_TASK: Grant = { resourceType: 'Task', action: 'r' };

const auth = (scope: string, patient?: string) => createAuthContext({ iss: ISS, scope, patient });
const access = (scope: string, grant = READ_TASK, definition = TASK) =>
  ResourceAccess.of(auth(scope, 'p-1'), definition, grant, BASE);

function task(extra: Partial<Task> = {}): Task {
  return {
    resourceType: 'Task',
    id: 't-1',
    status: 'requested',
    intent: 'order',
    for: { reference: 'Patient/p-1' },
    focus: { reference: 'ServiceRequest/sr-1' },
    code: { coding: [{ system: 'http://sys', code: 'fulfill' }, { code: 'local' }] },
    ...extra,
  };
}

/** The restriction as [name, values] pairs per alternative. */
const described = (restriction: AccessRestriction | undefined) =>
  restriction?.map((filters) => filters.map((filter) => [filter.name, filter.modifier, ...filter.values]));

function thrown(call: () => void): [number, string | undefined] | 'none' {
  try {
    call();
    return 'none';
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    return [error.status, error.outcome.issue?.[0]?.details?.text];
  }
}

describe('ResourceAccess.of', () => {
  it('when no scope grants the permission, then 403', () => {
    expect(thrown(() => access('user/Task.s'))).toEqual([
      403,
      "The access token's scopes do not allow read on Task (needs e.g. user/Task.r)",
    ]);
  });

  it('when a user/ scope grants the whole type, then nothing is restricted and every Task is covered', () => {
    const taskAccess = access('user/Task.r');
    expect(taskAccess.restriction).toBeUndefined();
    expect(taskAccess.covers(task({ for: { reference: 'Patient/p-2' } }))).toBe(true);
  });

  it("when a patient/ scope grants the type, then only the patient's compartment is covered", () => {
    const taskAccess = access('patient/Task.r');
    expect(described(taskAccess.restriction)).toEqual([[['patient', undefined, 'Patient/p-1']]]);
    expect(taskAccess.covers(task())).toBe(true);
    expect(taskAccess.covers(task({ for: { reference: 'Patient/p-2' } }))).toBe(false);
    expect(taskAccess.covers(task({ for: { reference: `${BASE}/fhir/Patient/p-1` } }))).toBe(true);
  });

  it('when a patient reads Patients, then their own record by id or by link is covered', () => {
    const patientAccess = access('patient/Patient.r', { resourceType: 'Patient', action: 'r' }, PATIENT);
    expect(described(patientAccess.restriction)).toEqual([
      [['_id', undefined, 'p-1']],
      [['link', undefined, 'Patient/p-1']],
    ]);
    const patient = (id: string | undefined, link?: string): Patient => ({
      resourceType: 'Patient',
      ...(id ? { id } : {}),
      ...(link ? { link: [{ type: 'seealso', other: { reference: link } }] } : {}),
    });
    expect(patientAccess.covers(patient('p-1'))).toBe(true);
    expect(patientAccess.covers(patient('p-2'))).toBe(false);
    expect(patientAccess.covers(patient('p-2', 'Patient/p-1'))).toBe(true);
    expect(patientAccess.covers(patient(undefined))).toBe(false);
  });

  it('when a user/ and a patient/ scope both grant the type, then the wider one wins', () => {
    expect(access('patient/Task.r user/Task.r').restriction).toBeUndefined();
  });

  it('when a granular scope restricts the type, then only Tasks matching its query are covered', () => {
    const taskAccess = access('user/Task.r?status=requested');
    expect(described(taskAccess.restriction)).toEqual([[['status', undefined, 'requested']]]);
    expect(taskAccess.covers(task())).toBe(true);
    expect(taskAccess.covers(task({ status: 'completed' }))).toBe(false);
  });

  it('when two granular scopes grant the type, then a Task matching either is covered', () => {
    const taskAccess = access('user/Task.r?status=requested user/Task.r?status=completed');
    expect(taskAccess.covers(task({ status: 'completed' }))).toBe(true);
    expect(taskAccess.covers(task({ status: 'cancelled' }))).toBe(false);
  });

  it('when a patient/ scope is granular, then both its query and the compartment apply', () => {
    const taskAccess = access('patient/Task.r?status=requested');
    expect(described(taskAccess.restriction)).toEqual([
      [
        ['status', undefined, 'requested'],
        ['patient', undefined, 'Patient/p-1'],
      ],
    ]);
    expect(taskAccess.covers(task({ status: 'completed' }))).toBe(false);
    expect(taskAccess.covers(task({ for: { reference: 'Patient/p-2' } }))).toBe(false);
    expect(taskAccess.covers(task())).toBe(true);
  });

  it.each([
    ['code=fulfill', true],
    ['code=local', true],
    ['code=other', false],
    ['code=http://sys|fulfill', true],
    ['code=http://sys|local', false],
    ['code=http://other|fulfill', false],
    ['code=|local', true],
    ['code=|fulfill', false],
    ['code=http://sys|', true],
    ['code=http://other|', false],
    ['code=other,fulfill', true],
    ['_id=t-1', true],
    ['_id=t-2', false],
    ['focus=ServiceRequest/sr-1', true],
    [`focus=${BASE}/fhir/ServiceRequest/sr-1`, true],
    ['focus=ServiceRequest/sr-2', false],
  ])('when the granular scope is user/Task.r?%s, then the Task is covered: %s', (query, covered) => {
    expect(access(`user/Task.r?${query}`).covers(task())).toBe(covered);
  });

  it.each([
    'status:not=completed',
    'focus=sr-1',
    'authored-on=2024',
    '_lastUpdated=2024',
    'unknown=1',
    'status=requested&_count=1',
  ])('when the granular scope user/Task.r?%s cannot be checked, then it grants nothing', (query) => {
    const taskAccess = access(`user/Task.r?${query}`);
    expect(taskAccess.restriction).toEqual([]);
    expect(taskAccess.covers(task())).toBe(false);
  });

  it('when a part of an aggregate is read under its root, then the root scope grants it, without its query, within the compartment', () => {
    const taskAccess = access('patient/ServiceRequest.r?category=x', {
      resourceType: 'ServiceRequest',
      action: 'r',
    });
    expect(described(taskAccess.restriction)).toEqual([[['patient', undefined, 'Patient/p-1']]]);
    expect(
      access('user/ServiceRequest.r?category=x', { resourceType: 'ServiceRequest', action: 'r' }).restriction,
    ).toBeUndefined();
  });

  it("when the service's audience restricts the type, then the scopes' restriction is narrowed by it", () => {
    const audience = new Map([
      [TASK.type, [parseSearchRequest(TASK, [['status', 'requested']], { strict: true }).filters]],
    ]);
    const narrowed = ResourceAccess.of(auth('patient/Task.r', 'p-1'), TASK, READ_TASK, BASE, audience);
    expect(described(narrowed.restriction)).toEqual([
      [
        ['patient', undefined, 'Patient/p-1'],
        ['status', undefined, 'requested'],
      ],
    ]);
    const other = new Map([['CareTeam', []]]);
    expect(ResourceAccess.of(auth('user/Task.r'), TASK, READ_TASK, BASE, other).restriction).toBeUndefined();
  });

  it('when an audience restriction is on a string parameter, then a single resource cannot be shown to match it', () => {
    const audience = new Map([
      [PATIENT.type, [parseSearchRequest(PATIENT, [['name', 'x']], { strict: true }).filters]],
    ]);
    const patientAccess = ResourceAccess.of(
      auth('user/Patient.r'),
      PATIENT,
      { resourceType: 'Patient', action: 'r' },
      BASE,
      audience,
    );
    expect(patientAccess.covers({ resourceType: 'Patient', id: 'p', name: [{ family: 'x' }] })).toBe(false);
  });
});

describe('assertReadable and assertWritable', () => {
  const other = task({ id: 't-9', for: { reference: 'Patient/p-2' } });

  it("when another patient's Task is read, then it reads as not found", () => {
    expect(thrown(() => access('patient/Task.r').assertReadable(other))).toEqual([404, 'Task/t-9 not found']);
    expect(thrown(() => access('patient/Task.r').assertReadable(task()))).toBe('none');
  });

  it("when another patient's Task is written, then 403 insufficient_scope", () => {
    const writer = access('patient/Task.u', { resourceType: 'Task', action: 'u' });
    expect(thrown(() => writer.assertWritable(other))).toEqual([
      403,
      "The access token's scopes do not allow writing this Task (outside the token's patient or granular scope)",
    ]);
    expect(thrown(() => writer.assertWritable(task()))).toBe('none');
  });
});

describe('restrictSearch', () => {
  const includable = new Map([[SERVICE_REQUEST.type, SERVICE_REQUEST]]);
  const search = parseSearchRequest(TASK, [['_include', 'Task:focus']], { strict: true });
  const restricted = (scope: string, grant = READ_TASK) =>
    ResourceAccess.of(auth(scope, 'p-1'), TASK, grant, BASE).restrictSearch(search, includable);

  it('when the caller may read every Task and ServiceRequest, then the search and its includes are unrestricted', () => {
    const request = restricted('user/Task.rs user/ServiceRequest.r');
    expect(request.restrictedTo).toBeUndefined();
    expect('restrictedTo' in request).toBe(false);
    expect([...request.includeRestrictions!]).toEqual([['ServiceRequest', 'all']]);
    expect(request.include).toEqual(['Task:focus']);
  });

  it("when a patient searches, then the search and the included ServiceRequests are confined to the patient's", () => {
    const request = restricted('patient/Task.rs patient/ServiceRequest.r');
    expect(described(request.restrictedTo)).toEqual([[['patient', undefined, 'Patient/p-1']]]);
    const include = request.includeRestrictions!.get('ServiceRequest');
    expect(described(include === 'all' ? undefined : include)).toEqual([
      [['subject', undefined, 'Patient/p-1']],
    ]);
  });

  it('when the caller may not read ServiceRequests, then none is included', () => {
    expect([...restricted('user/Task.rs').includeRestrictions!]).toEqual([]);
  });

  it('when the search is of a part under its root, then the includes are granted under the root permission', () => {
    const grant: Grant = { resourceType: 'ServiceRequest', action: 's' };
    expect([...restricted('user/ServiceRequest.s', grant).includeRestrictions!]).toEqual([
      ['ServiceRequest', 'all'],
    ]);
  });

  it('when an included type is not includable here, then it is left out', () => {
    const request = ResourceAccess.of(
      auth('user/Task.rs user/ServiceRequest.r'),
      TASK,
      READ_TASK,
      BASE,
    ).restrictSearch(search, new Map());
    expect([...request.includeRestrictions!]).toEqual([]);
  });

  it("when the service's audience restricts an included type, then its include is restricted by it", () => {
    const audience = new Map([
      [
        SERVICE_REQUEST.type,
        [parseSearchRequest(SERVICE_REQUEST, [['category', 'x']], { strict: true }).filters],
      ],
    ]);
    const request = ResourceAccess.of(
      auth('user/Task.rs user/ServiceRequest.r'),
      TASK,
      READ_TASK,
      BASE,
      audience,
    ).restrictSearch(search, includable);
    const include = request.includeRestrictions!.get('ServiceRequest');
    expect(described(include === 'all' ? undefined : include)).toEqual([[['category', undefined, 'x']]]);
  });

  it('when the search has no includes, then it keeps its filters and gets an empty include map', () => {
    const plain = parseSearchRequest(TASK, [['status', 'requested']], { strict: true });
    const request = ResourceAccess.of(auth('patient/Task.rs', 'p-1'), TASK, READ_TASK, BASE).restrictSearch(
      plain,
      includable,
    );
    expect(request.filters).toBe(plain.filters);
    expect([...request.includeRestrictions!]).toEqual([]);
  });
});
