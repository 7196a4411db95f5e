import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tryGetDataType } from '@medplum/core';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { ALL_SERVICES } from '@peerbridge/gateway';
import { loadedR4ResourceTypes } from '@peerbridge/shared';
import { serviceRequest } from '../support/fixtures.js';
import { fhirClient, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A process holds the R4 resource types its services declare (and those that requests bring),
 * not all of R4: the full definitions cost some 150 MB of RSS (docs/performance.md, "Memory at
 * rest"). The types come from the services' resource definitions, so a new service's are loaded
 * without anything else to change.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(ALL_SERVICES);
});
afterAll(() => t.close());

const declared = () => ALL_SERVICES.flatMap((service) => service.resources.map((resource) => resource.type));

describe('R4 resource types in use', () => {
  it('when the services are hosted, then every type they declare is loaded, and no other beyond the abstract bases', () => {
    expect(declared().length).toBeGreaterThan(0);
    expect([...loadedR4ResourceTypes()].sort()).toEqual([...declared(), 'DomainResource', 'Resource'].sort());
    for (const type of declared()) {
      expect([type, tryGetDataType(type)?.kind]).toEqual([type, 'resource']);
    }
    expect(tryGetDataType('Immunization')).toBeUndefined();
  });

  it('when a resource contains a type not in use, then that type is loaded and the contained resource validated as before', async () => {
    const res = await fhirClient(t)
      .post('/fhir/ServiceRequest')
      .set('Content-Type', 'application/fhir+json')
      .send(serviceRequest({ contained: [{ resourceType: 'Immunization', id: 'p', zz: true } as never] }));

    expect(res.status).toBe(400);
    const outcome = res.body as OperationOutcome;
    expect(outcome.issue?.map((issue) => issue.expression?.[0])).toEqual(['ServiceRequest.contained[0].zz']);
    expect(loadedR4ResourceTypes().has('Immunization')).toBe(true);
    expect(tryGetDataType('Immunization')?.kind).toBe('resource');
  });

  /** The peak RSS (VmHWM) of a fresh process that imports `services` and builds the validator. */
  async function peakAfterSetUp(services: string): Promise<{ services: number; peakMb: number }> {
    const script = `
      import { readFileSync } from 'node:fs';
      const services = ${services};
      const { createValidator } = await import('@peerbridge/shared');
      createValidator();
      const status = readFileSync('/proc/self/status', 'utf8');
      process.stdout.write(JSON.stringify({ services: services.length, peakKb: Number(/VmHWM:\\s+(\\d+)/.exec(status)[1]) }));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { cwd: process.cwd() },
    );
    const { services: count, peakKb } = JSON.parse(stdout) as { services: number; peakKb: number };
    return { services: count, peakMb: peakKb / 1024 };
  }

  // The full R4 bundles alone took the peak above 400 MB. Issue 14 asks for under 250 MB: the
  // referral service (what docs/performance.md measures) peaks near 170 MB and is held to 200;
  // every service together (four on 2026-12-02, near 190–208 MB) to issue 14's 250.
  it('when the referral service and its validator are set up in a fresh process, then its peak RSS stays under 200 MB', async () => {
    const { services, peakMb } = await peakAfterSetUp(
      "[(await import('@peerbridge/referral')).referralService]",
    );
    expect(services).toBe(1);
    expect(peakMb).toBeLessThan(200);
  }, 60_000);

  it('when every service and the validator are set up in a fresh process, then its peak RSS stays under 250 MB', async () => {
    const { services, peakMb } = await peakAfterSetUp("(await import('@peerbridge/gateway')).ALL_SERVICES");
    expect(services).toBe(ALL_SERVICES.length);
    expect(peakMb).toBeLessThan(250);
  }, 60_000);
});
