import { ownPractitionerId, type Config, type Logger } from '@peerbridge/shared';
import { fetchDemoToken } from './demo-token.js';
import { findDemoUser } from './demo-users.js';
import { sandboxIssuer } from './sandbox-issuer.js';

// The demo peer supporter and the demo coordinator on the program's roster, so that signing in as
// them in the sandbox means what it says: the peer supporter has a caseload to be matched to, the
// coordinator triages, assigns and administers the program (a role comes from the roster, never
// from the token: docs/adr/0017-program-administrators.md). The demo clinician is an EHR user and
// stays off the roster.

const DAY_MS = 24 * 60 * 60 * 1000;

/** What createPeerSupporter takes (openapi/care-team.yaml, PeerSupporterInput). */
interface RosterInput {
  readonly id: string;
  readonly name: { readonly given: readonly string[]; readonly family: string };
  readonly languages: readonly string[];
  readonly livedExperience?: readonly string[];
  readonly certifications?: readonly Record<string, string>[];
  readonly trainings?: readonly Record<string, string | number>[];
  readonly maxCaseload: number;
  readonly availability?: readonly Record<string, string | readonly string[]>[];
  readonly role: 'peer-supporter' | 'coordinator';
}

/**
 * The roster entries of the demo users, as of `now` (a certification must be current to match),
 * under the Practitioner ids the server reads from their sign-ins' `fhirUser`.
 */
export function demoRoster(config: Pick<Config, 'publicBaseUrl'>, now: Date): readonly RosterInput[] {
  const idOf = (demoUserId: string) => practitionerIdOf(demoUserId, config.publicBaseUrl);
  const day = (offsetDays: number) =>
    new Date(now.getTime() + offsetDays * DAY_MS).toISOString().slice(0, 10);
  return [
    {
      id: idOf('peer-supporter'),
      name: { given: ['Pat'], family: 'Peer' },
      languages: ['en', 'es'],
      livedExperience: ['depression', 'anxiety'],
      certifications: [
        {
          code: 'ncps',
          issuer: 'Mental Health America',
          identifier: 'NCPS-DEMO-0001',
          validFrom: day(-365),
          validUntil: day(2 * 365),
        },
      ],
      trainings: [{ title: 'Intentional Peer Support core training', hours: 40, completedOn: day(-400) }],
      maxCaseload: 10,
      availability: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }],
      role: 'peer-supporter',
    },
    {
      id: idOf('coordinator'),
      name: { given: ['Corey'], family: 'Coordinator' },
      languages: ['en'],
      maxCaseload: 0,
      role: 'coordinator',
    },
  ];
}

function practitionerIdOf(demoUserId: string, baseUrl: string): string {
  const id = ownPractitionerId(findDemoUser(demoUserId)?.fhirUser, baseUrl);
  if (!id) {
    throw new Error(`demo user ${demoUserId} has no Practitioner`);
  }
  return id;
}

export type DemoRosterOutcome = 'added' | 'already on the roster';

/**
 * Puts the demo users on the roster through the care-team API, as the demo backend service would
 * (SMART Backend Services token, the API's own validation and access rules): nothing reaches the
 * store another way. A member already there (409, e.g. after a restart on the same database) is
 * left as it is, so a coordinator's later changes survive restarts.
 */
export async function seedDemoRoster(config: Config, now = new Date()): Promise<DemoRosterOutcome[]> {
  const { access_token } = await fetchDemoToken({
    issuer: sandboxIssuer(config),
    as: 'backend',
    scope: 'system/Practitioner.c system/PractitionerRole.c',
  });
  const outcomes: DemoRosterOutcome[] = [];
  for (const member of demoRoster(config, now)) {
    const response = await fetch(`${config.publicBaseUrl}/api/care-team/peer-supporters`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${access_token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(member),
    });
    await response.body?.cancel();
    if (response.status === 201) {
      outcomes.push('added');
    } else if (response.status === 409) {
      outcomes.push('already on the roster');
    } else {
      throw new Error(`the care-team API answered ${response.status} to the demo roster`);
    }
  }
  return outcomes;
}

/** Seeds the demo roster once PeerBridge listens; a failure is logged, never fatal to the host. */
export async function startDemoRoster(config: Config, logger: Logger): Promise<void> {
  try {
    const outcomes = await seedDemoRoster(config);
    logger.info('sandbox demo roster', { added: outcomes.filter((outcome) => outcome === 'added').length });
  } catch (error) {
    logger.warn('sandbox demo roster not seeded', {
      error: error instanceof Error ? error.message : 'unknown',
    });
  }
}
