import type { CareTeam } from '@medplum/fhirtypes';
import { referralIdOfCareTeam } from '@peerbridge/shared';
import type { components } from '../generated/care-team-api.js';
import type { PeerSupporter, PeerSupporterProfile, RosterRole } from '../domain/peer-supporter.js';
import { roleOf, type ParticipantRole } from '../fhir/care-team-resource.js';
import type { CaseloadRow } from '../store/care-team-tables.js';
import type { SuggestionResult } from '../workflow/matching-workflow.js';

type Schemas = components['schemas'];

/** The profile a request describes; `active` defaults to true, lists to empty. */
export function fromApiProfile(body: Schemas['PeerSupporterUpdate']): PeerSupporterProfile {
  return {
    name: { given: [...body.name.given], family: body.name.family },
    languages: [...body.languages],
    livedExperience: [...(body.livedExperience ?? [])],
    certifications: (body.certifications ?? []).map((c) => ({ ...c })),
    trainings: (body.trainings ?? []).map((t) => ({ ...t })),
    maxCaseload: body.maxCaseload,
    availability: (body.availability ?? []).map((a) => ({ ...a, days: [...a.days] })),
    role: body.role as RosterRole,
    active: body.active ?? true,
  };
}

export function toApiPeerSupporter(peer: PeerSupporter): Schemas['PeerSupporter'] {
  return {
    id: peer.id,
    name: { given: [...peer.name.given], family: peer.name.family },
    languages: [...peer.languages],
    livedExperience: [...peer.livedExperience] as Schemas['LivedExperience'][],
    certifications: peer.certifications.map((c) => ({ ...c, code: c.code as Schemas['CertificationCode'] })),
    trainings: peer.trainings.map((t) => ({ ...t })),
    maxCaseload: peer.maxCaseload,
    availability: peer.availability.map((a) => ({ ...a, days: [...a.days] })),
    role: peer.role,
    active: peer.active,
    caseload: {
      active: peer.activeCareTeams,
      remaining: Math.max(peer.maxCaseload - peer.activeCareTeams, 0),
    },
    practitioner: { reference: `Practitioner/${peer.id}`, versionId: peer.practitionerVersion },
    practitionerRole: {
      reference: `PractitionerRole/${peer.practitionerRoleId}`,
      versionId: peer.practitionerRoleVersion,
    },
    lastUpdated: peer.lastUpdated,
  };
}

const PARTICIPANT_ROLES: Record<ParticipantRole, Schemas['Participant']['role']> = {
  patient: 'patient',
  referringClinician: 'referring-clinician',
  peerSupporter: 'peer-supporter',
  coordinator: 'coordinator',
};

export function toApiCareTeam(team: CareTeam): Schemas['CareTeam'] {
  const participants = (team.participant ?? []).flatMap((p): Schemas['Participant'][] => {
    const role = roleOf(p);
    if (!role || !p.member?.reference) {
      return [];
    }
    return [
      {
        role: PARTICIPANT_ROLES[role],
        member: p.member.reference,
        ...(p.member.display ? { name: p.member.display } : {}),
        ...(p.period?.start ? { start: p.period.start } : {}),
        ...(p.period?.end ? { end: p.period.end } : {}),
      },
    ];
  });
  const current = participants.find((p) => p.role === 'peer-supporter' && !p.end);
  return {
    id: team.id!,
    referralId: referralIdOfCareTeam(team) ?? '',
    status: team.status as Schemas['CareTeamStatus'],
    name: team.name ?? '',
    patient: team.subject?.reference ?? '',
    ...(current
      ? {
          peerSupporter: {
            id: current.member.split('/').at(-1)!,
            name: current.name ?? '',
            practitioner: current.member,
          },
        }
      : {}),
    participants,
    start: team.period?.start ?? '',
    ...(team.period?.end ? { end: team.period.end } : {}),
    careTeam: { reference: `CareTeam/${team.id}`, versionId: team.meta?.versionId ?? '1' },
    lastUpdated: team.meta?.lastUpdated ?? '',
  };
}

export function toApiSuggestions(result: SuggestionResult): Schemas['Suggestions'] {
  return {
    referralId: result.referralId,
    wanted: {
      ...(result.wanted.language ? { language: result.wanted.language } : {}),
      livedExperience: [...result.wanted.livedExperience] as Schemas['LivedExperience'][],
      ...(result.wanted.contactTime ? { contactTime: result.wanted.contactTime } : {}),
    },
    suggestions: result.suggestions.map((s) => ({ ...s, explanation: s.explanation.map((f) => ({ ...f })) })),
    candidateTotal: result.candidateTotal,
    excluded: result.excluded.map((e) => ({
      peerSupporter: e.peerSupporter,
      reasons: e.reasons.map((r) => ({ ...r })),
    })),
    excludedTotal: result.excludedTotal,
  };
}

export function toApiCaseload(
  peerSupporterId: string,
  caseload: { maxCaseload: number; items: CaseloadRow[] },
): Schemas['Caseload'] {
  return {
    peerSupporterId,
    maxCaseload: caseload.maxCaseload,
    items: caseload.items.map((row) => ({
      careTeamId: row.careTeamId,
      referralId: row.referralId,
      patient: row.patient,
      since: row.since,
      ...(row.lastSessionDate ? { lastSessionDate: row.lastSessionDate } : {}),
    })),
  };
}
