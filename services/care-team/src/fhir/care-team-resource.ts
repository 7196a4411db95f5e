import type { CareTeam, CareTeamParticipant } from '@medplum/fhirtypes';
import type { CareTeamStatus } from '../domain/care-team-lifecycle.js';
import { CARE_TEAM_CATEGORY, CARE_TEAM_ROLE, REFERRAL_IDENTIFIER_SYSTEM } from './codes.js';

export type ParticipantRole = keyof typeof CARE_TEAM_ROLE;

export interface ProposedCareTeam {
  readonly referralId: string;
  readonly patient: string;
  readonly requester: string | undefined;
  /** The coordinator who accepted the referral, or the program's Organization. */
  readonly coordinator: string;
  readonly at: string;
}

/**
 * The care team formed when a referral is accepted: proposed, for the patient, with the patient,
 * the referring clinician and the coordinator on it, linked to the referral by identifier (so
 * `CareTeam?identifier=https://peerbridge.org/fhir/sid/referral|<id>` finds it).
 */
export function proposedCareTeam(team: ProposedCareTeam): CareTeam {
  return {
    resourceType: 'CareTeam',
    identifier: [{ system: REFERRAL_IDENTIFIER_SYSTEM, value: team.referralId }],
    status: 'proposed',
    category: [{ coding: [{ ...CARE_TEAM_CATEGORY }] }],
    name: 'Peer support care team',
    subject: { reference: team.patient },
    period: { start: team.at },
    participant: [
      participant('patient', team.patient, team.at),
      ...(team.requester ? [participant('referringClinician', team.requester, team.at)] : []),
      participant('coordinator', team.coordinator, team.at),
    ],
  };
}

/**
 * The care team with `practitioner` as its peer supporter from `at`: any current peer
 * supporter's participation ends then, and the team is active.
 */
export function withPeerSupporter(team: CareTeam, practitioner: string, name: string, at: string): CareTeam {
  return {
    ...team,
    status: 'active',
    participant: [
      ...(team.participant ?? []).map((p) =>
        roleOf(p) === 'peerSupporter' && !p.period?.end ? { ...p, period: { ...p.period, end: at } } : p,
      ),
      participant('peerSupporter', practitioner, at, name),
    ],
  };
}

/** A coordinator who assigns takes the coordinator's place if the program held it. */
export function withCoordinator(team: CareTeam, coordinator: string, at: string): CareTeam {
  const current = (team.participant ?? []).find((p) => roleOf(p) === 'coordinator' && !p.period?.end);
  if (current?.member?.reference === coordinator) {
    return team;
  }
  return {
    ...team,
    participant: [
      ...(team.participant ?? []).map((p) =>
        p === current ? { ...p, period: { ...p.period, end: at } } : p,
      ),
      participant('coordinator', coordinator, at),
    ],
  };
}

/** The referral ended: the team becomes inactive, its period and every open participation end. */
export function closedCareTeam(team: CareTeam, at: string): CareTeam {
  return {
    ...team,
    status: 'inactive',
    period: { ...team.period, end: at },
    participant: (team.participant ?? []).map((p) =>
      p.period?.end ? p : { ...p, period: { ...p.period, end: at } },
    ),
  };
}

export function careTeamStatus(team: CareTeam): CareTeamStatus {
  return team.status as CareTeamStatus;
}

/** The participant's PeerBridge role, from its role coding. */
export function roleOf(p: CareTeamParticipant): ParticipantRole | undefined {
  const coding = p.role?.[0]?.coding?.[0];
  return (Object.keys(CARE_TEAM_ROLE) as ParticipantRole[]).find(
    (role) => CARE_TEAM_ROLE[role].system === coding?.system && CARE_TEAM_ROLE[role].code === coding?.code,
  );
}

function participant(
  role: ParticipantRole,
  member: string,
  at: string,
  display?: string,
): CareTeamParticipant {
  return {
    role: [{ coding: [{ ...CARE_TEAM_ROLE[role] }] }],
    member: { reference: member, ...(display ? { display } : {}) },
    period: { start: at },
  };
}
