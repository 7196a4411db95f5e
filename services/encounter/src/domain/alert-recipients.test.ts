import { describe, expect, it } from '@jest/globals';
import { alertRecipients } from './alert-recipients.js';

const PROGRAM = 'Organization/peer-support-program';

describe('alertRecipients', () => {
  it('when the patient has an open care team, then its referring clinician and coordinator, each once', () => {
    expect(
      alertRecipients(
        [
          { status: 'active', referringClinician: 'Practitioner/dr-lee', coordinator: 'Practitioner/c1' },
          { status: 'proposed', referringClinician: 'Practitioner/dr-lee', coordinator: PROGRAM },
          { status: 'inactive', referringClinician: 'Practitioner/dr-old', coordinator: 'Practitioner/c0' },
        ],
        ['c9'],
        PROGRAM,
      ),
    ).toEqual(['Practitioner/dr-lee', 'Practitioner/c1', PROGRAM]);
  });

  it('when every care team has ended, then their members still hear of it', () => {
    expect(
      alertRecipients([{ status: 'inactive', referringClinician: 'Practitioner/dr-old' }], ['c9'], PROGRAM),
    ).toEqual(['Practitioner/dr-old']);
  });

  it("when no care team is known or it names nobody, then the program's active coordinators", () => {
    expect(alertRecipients([], ['c1', 'c2'], PROGRAM)).toEqual(['Practitioner/c1', 'Practitioner/c2']);
    expect(alertRecipients([{ status: 'active' }], ['c1'], PROGRAM)).toEqual(['Practitioner/c1']);
  });

  it('when there is no coordinator either, then the program itself', () => {
    expect(alertRecipients([], [], PROGRAM)).toEqual([PROGRAM]);
  });
});
