import { describe, expect, it } from '@jest/globals';
import { phq9SafetyConcern } from './phq9-safety-signal.js';

const context = {
  patient: 'Patient/p-1',
  questionnaireResponse: { reference: 'QuestionnaireResponse/qr-1' },
  raisedBy: { reference: 'PractitionerRole/r-1' },
  encounter: { reference: 'Encounter/e-1' },
};

describe('PHQ-9 item 9 safety signal', () => {
  it.each([
    [undefined, undefined],
    [0, undefined],
    [1, 'urgent'],
    [2, 'stat'],
    [3, 'stat'],
  ] as const)('when item 9 is %s, then the urgency is %s', (item9, urgency) => {
    expect(phq9SafetyConcern(item9, context)?.urgency).toBe(urgency);
  });

  it('when a concern is raised, then it is about the response, from its author, in its session, and names no answer', () => {
    const concern = phq9SafetyConcern(3, context)!;
    expect(concern).toMatchObject({
      patient: 'Patient/p-1',
      source: 'phq-9-item-9',
      about: [{ reference: 'QuestionnaireResponse/qr-1' }],
      raisedBy: { reference: 'PractitionerRole/r-1' },
      encounter: { reference: 'Encounter/e-1' },
    });
    // The same words whatever the answer: the alert says what the concern is, not what was answered.
    expect(phq9SafetyConcern(1, context)!.description).toBe(concern.description);
    expect(concern.description).not.toMatch(/nearly every day|several days|more than half|LA\d/i);
  });
});
