/**
 * The sandbox's demo users: one of each kind of person who signs in to PeerBridge. Each has a
 * `fhirUser` (SMART App Launch) naming the FHIR resource that represents them. The sandbox is a
 * stand-in for a health system's identity provider, so there are no passwords: the sign-in page
 * is a picker.
 */
export interface DemoUser {
  /** Also the OpenID `sub`. */
  readonly id: string;
  readonly label: string;
  readonly fhirUser: string;
}

export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  {
    id: 'clinician',
    label: 'Dr. Casey Clinician (referring clinician)',
    fhirUser: 'Practitioner/demo-clinician',
  },
  {
    id: 'peer-supporter',
    label: 'Pat Peer (peer supporter)',
    fhirUser: 'Practitioner/demo-peer-supporter',
  },
  {
    id: 'coordinator',
    label: 'Corey Coordinator (program coordinator)',
    fhirUser: 'Practitioner/demo-coordinator',
  },
]);

export function findDemoUser(id: string): DemoUser | undefined {
  return DEMO_USERS.find((user) => user.id === id);
}
