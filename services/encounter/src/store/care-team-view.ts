import type { Queryable } from '@peerbridge/shared';

/** What the care-team service's events say about one care team. */
export interface CareTeamView {
  readonly id: string;
  readonly referralId: string;
  readonly patient: string;
  readonly status: string;
  readonly peerSupporterId: string | undefined;
  /** The current referring clinician and coordinator participants (references), who get safety alerts. */
  readonly referringClinician?: string | undefined;
  readonly coordinator?: string | undefined;
}

export interface RosterMemberView {
  readonly practitionerId: string;
  readonly roleId: string;
  readonly role: 'peer-supporter' | 'coordinator';
  readonly active: boolean;
}

export async function saveCareTeam(q: Queryable, team: CareTeamView): Promise<void> {
  await q.query(
    `INSERT INTO encounter.care_team
       (id, referral_id, patient, status, peer_supporter_id, referring_clinician, coordinator)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, peer_supporter_id = EXCLUDED.peer_supporter_id,
       patient = EXCLUDED.patient, referring_clinician = EXCLUDED.referring_clinician,
       coordinator = EXCLUDED.coordinator`,
    [
      team.id,
      team.referralId,
      team.patient,
      team.status,
      team.peerSupporterId ?? null,
      team.referringClinician ?? null,
      team.coordinator ?? null,
    ],
  );
}

interface CareTeamRow {
  id: string;
  referral_id: string;
  patient: string;
  status: string;
  peer_supporter_id: string | null;
  referring_clinician: string | null;
  coordinator: string | null;
}

const CARE_TEAM_COLUMNS =
  'id, referral_id, patient, status, peer_supporter_id, referring_clinician, coordinator';

function careTeamView(row: CareTeamRow): CareTeamView {
  return {
    id: row.id,
    referralId: row.referral_id,
    patient: row.patient,
    status: row.status,
    peerSupporterId: row.peer_supporter_id ?? undefined,
    referringClinician: row.referring_clinician ?? undefined,
    coordinator: row.coordinator ?? undefined,
  };
}

export async function careTeamOfReferral(
  q: Queryable,
  referralId: string,
): Promise<CareTeamView | undefined> {
  const [row] = await q.query<CareTeamRow>(
    `SELECT ${CARE_TEAM_COLUMNS} FROM encounter.care_team WHERE referral_id = $1`,
    [referralId],
  );
  return row && careTeamView(row);
}

/** Every care team of a patient (`Patient/<id>`), in no particular order. */
export async function careTeamsOfPatient(q: Queryable, patient: string): Promise<CareTeamView[]> {
  const rows = await q.query<CareTeamRow>(
    `SELECT ${CARE_TEAM_COLUMNS} FROM encounter.care_team WHERE patient = $1 ORDER BY id`,
    [patient],
  );
  return rows.map(careTeamView);
}

/** The Practitioner ids of the program's active coordinators. */
export async function activeCoordinators(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ practitioner_id: string }>(
    `SELECT practitioner_id FROM encounter.roster_member WHERE role = 'coordinator' AND active
     ORDER BY practitioner_id`,
  );
  return rows.map((row) => row.practitioner_id);
}

export async function saveRosterMember(q: Queryable, member: RosterMemberView): Promise<void> {
  await q.query(
    `INSERT INTO encounter.roster_member (practitioner_id, role_id, role, active) VALUES ($1, $2, $3, $4)
     ON CONFLICT (practitioner_id) DO UPDATE SET role_id = EXCLUDED.role_id, role = EXCLUDED.role,
       active = EXCLUDED.active`,
    [member.practitionerId, member.roleId, member.role, member.active],
  );
}

export async function findRosterMember(
  q: Queryable,
  practitionerId: string,
): Promise<RosterMemberView | undefined> {
  const [row] = await q.query<{
    practitioner_id: string;
    role_id: string;
    role: 'peer-supporter' | 'coordinator';
    active: boolean;
  }>(
    'SELECT practitioner_id, role_id, role, active FROM encounter.roster_member WHERE practitioner_id = $1',
    [practitionerId],
  );
  return (
    row && { practitionerId: row.practitioner_id, roleId: row.role_id, role: row.role, active: row.active }
  );
}

/** The patients of the care teams a peer supporter is (or was) the peer supporter of. */
export async function patientsOfPeerSupporter(q: Queryable, practitionerId: string): Promise<string[]> {
  const rows = await q.query<{ patient: string }>(
    'SELECT DISTINCT patient FROM encounter.care_team WHERE peer_supporter_id = $1 ORDER BY patient',
    [practitionerId],
  );
  return rows.map((row) => row.patient);
}
