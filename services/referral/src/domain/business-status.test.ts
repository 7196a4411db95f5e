import { describe, expect, it } from '@jest/globals';
import { businessStatusFor } from './business-status.js';
import type { CodedConcept, ReferralStatus } from './referral.js';

// The table in docs/terminology.md, written out here rather than taken from the code.
const SYSTEM = 'http://hl7.org/fhir/us/bser/CodeSystem/TaskBusinessStatusCS';
const EXPECTED: [ReferralStatus, string, string][] = [
  ['requested', '2.0', 'Service Request Created'],
  ['accepted', '3.0', 'Service Request Accepted'],
  ['rejected', '4.0', 'Service Request Declined'],
  ['in-progress', '5.1.1', 'Service Request Event Scheduled'],
  ['cancelled', '6.0', 'Service Request Fulfillment Cancelled'],
  ['failed', '6.0', 'Service Request Fulfillment Cancelled'],
  ['completed', '7.0', 'Service Request Fulfillment Completed'],
];

describe('businessStatusFor', () => {
  it.each(EXPECTED)('when a referral becomes %s, then its business status is %s', (status, code, display) => {
    expect(businessStatusFor(status, undefined)).toEqual({ system: SYSTEM, code, display });
  });

  it('when a referral is put on hold, then it keeps the stage it had reached', () => {
    const scheduled: CodedConcept = {
      system: SYSTEM,
      code: '5.1.1',
      display: 'Service Request Event Scheduled',
    };
    expect(businessStatusFor('on-hold', scheduled)).toBe(scheduled);
  });

  it('when a referral with no business status yet is put on hold, then it reads as accepted', () => {
    expect(businessStatusFor('on-hold', undefined)).toEqual({
      system: SYSTEM,
      code: '3.0',
      display: 'Service Request Accepted',
    });
  });
});
