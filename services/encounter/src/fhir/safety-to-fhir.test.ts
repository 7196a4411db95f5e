import { describe, expect, it } from '@jest/globals';
import type { SafetyConcern } from '../domain/safety-concern.js';
import { flagFollowUp, resolvedFlag, safetyAlert, safetyFlag } from './safety-to-fhir.js';

const AT = '2026-12-02T10:00:00.000Z';
const PHQ9: SafetyConcern = {
  patient: 'Patient/p1',
  description: 'Thoughts of self-harm reported on a PHQ-9',
  urgency: 'urgent',
  source: 'phq-9-item-9',
  about: [{ reference: 'QuestionnaireResponse/qr1' }],
};

describe('safety resources', () => {
  it('when a PHQ-9 concern is raised automatically, then the Flag has no author and the alert no sender', () => {
    const flag = { ...safetyFlag(PHQ9, AT), id: 'f1' };
    expect(flag).toEqual({
      resourceType: 'Flag',
      status: 'active',
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/flag-category',
              code: 'safety',
              display: 'Safety',
            },
          ],
        },
      ],
      code: {
        coding: [
          {
            system: 'https://peerbridge.org/fhir/CodeSystem/safety-concern',
            code: 'phq-9-item-9-positive',
            display: 'Thoughts of death or self-harm reported on PHQ-9 item 9',
          },
        ],
        text: 'Thoughts of self-harm reported on a PHQ-9',
      },
      subject: { reference: 'Patient/p1' },
      period: { start: AT },
      id: 'f1',
    });
    const alert = safetyAlert(PHQ9, flag, ['Practitioner/dr-lee'], AT);
    expect(alert.sender).toBeUndefined();
    expect(alert.about).toEqual([{ reference: 'Flag/f1' }, { reference: 'QuestionnaireResponse/qr1' }]);
    expect(alert.payload).toEqual([{ contentString: PHQ9.description }]);
    expect(alert.priority).toBe('urgent');
  });

  it('when an automatic escalation brings no description, then the Flag and alert name the concern by its code', () => {
    const blank = { ...PHQ9, description: ' ' };
    const flag = { ...safetyFlag(blank, AT), id: 'f1' };
    const named = 'Thoughts of death or self-harm reported on PHQ-9 item 9';
    expect(flag.code.text).toBe(named);
    expect(safetyAlert(blank, flag, [], AT).payload).toEqual([{ contentString: named }]);
  });

  it('when a flag is resolved, then it is inactive and its period ends, its start kept', () => {
    const flag = { ...safetyFlag(PHQ9, AT), id: 'f1' };
    expect(resolvedFlag(flag, '2026-12-03T00:00:00.000Z')).toMatchObject({
      status: 'inactive',
      period: { start: AT, end: '2026-12-03T00:00:00.000Z' },
    });
  });

  it('when a follow-up is sent, then it answers the alert, about the Flag, from whoever acted', () => {
    expect(
      flagFollowUp({
        patient: 'Patient/p1',
        flagId: 'f1',
        alertId: 'c1',
        sender: { reference: 'Practitioner/dr-lee' },
        recipients: [{ reference: 'Organization/peer-support-program' }],
        text: 'Safety flag acknowledged',
        at: AT,
      }),
    ).toMatchObject({
      category: [{ coding: [{ code: 'notification' }] }],
      inResponseTo: [{ reference: 'Communication/c1' }],
      about: [{ reference: 'Flag/f1' }],
      sender: { reference: 'Practitioner/dr-lee' },
      recipient: [{ reference: 'Organization/peer-support-program' }],
      sent: AT,
    });
  });
});
