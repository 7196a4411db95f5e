import { randomUUID } from 'node:crypto';
import type { Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import {
  conflict,
  notFound,
  forbidden,
  type Database,
  type Queryable,
  type Repository,
} from '@peerbridge/shared';
import { assertCoordinator, type CallerRole } from '../domain/caller-role.js';
import {
  assertValidProfile,
  primaryLanguage,
  type PeerSupporter,
  type PeerSupporterProfile,
} from '../domain/peer-supporter.js';
import { availableHours } from '../domain/schedule.js';
import { toPractitioner, toPractitionerRole } from '../fhir/roster-to-fhir.js';
import {
  caseloadCounts,
  claimRosterId,
  findRosterEntry,
  listRoster,
  saveRosterRow,
  setActive,
  type RosterFilter,
} from '../store/roster-tables.js';
import { emit } from './care-team-events.js';
import { loadRosterResources, peerSupporterOf } from './roster-resources.js';

/**
 * The roster: peer supporters and coordinators, each a Practitioner plus a PractitionerRole
 * written through the caller's repository, and a row indexing them for matching, all in one
 * transaction with a `roster.changed` event.
 */
export class RosterWorkflow {
  constructor(
    private readonly db: Database,
    /** The program's Organization, on every PractitionerRole. */
    readonly program: string,
  ) {}

  async create(
    repo: Repository,
    role: CallerRole,
    profile: PeerSupporterProfile,
    requestedId: string | undefined,
  ): Promise<PeerSupporter> {
    assertCoordinator(role, 'add to the roster');
    assertValidProfile(profile);
    return this.db.transaction(async (tx) => {
      const id = requestedId ?? randomUUID();
      const roleId = randomUUID();
      if (!(await claimRosterId(tx, id, roleId))) {
        throw conflict(`A roster member with id ${id} already exists`, 'id');
      }
      const practitioner = await repo.create(toPractitioner(id, profile), { q: tx, id });
      const practitionerRole = await repo.create(toPractitionerRole(roleId, id, profile, this.program), {
        q: tx,
        id: roleId,
      });
      await this.index(tx, id, roleId, profile, [practitioner, practitionerRole]);
      return peerSupporterOf(practitioner, practitionerRole, 0);
    });
  }

  async update(
    repo: Repository,
    role: CallerRole,
    id: string,
    profile: PeerSupporterProfile,
  ): Promise<PeerSupporter> {
    assertCoordinator(role, 'change the roster');
    assertValidProfile(profile);
    return this.db.transaction(async (tx) => {
      const entry = await findRosterEntry(tx, id, { lock: true });
      if (!entry) {
        throw notFound(`Peer supporter ${id} not found`);
      }
      if (entry.active && !profile.active) {
        throw conflict(
          'Deactivate a peer supporter with deactivatePeerSupporter, which checks their caseload',
          'active',
        );
      }
      if (entry.role !== profile.role && entry.activeCareTeams > 0) {
        throw conflict(
          `Their role cannot change while they are on ${entry.activeCareTeams} care teams`,
          'role',
        );
      }
      const { practitioner, practitionerRole } = await this.write(repo, tx, id, entry.roleId, profile);
      return peerSupporterOf(practitioner, practitionerRole, entry.activeCareTeams);
    });
  }

  async deactivate(repo: Repository, role: CallerRole, id: string): Promise<PeerSupporter> {
    assertCoordinator(role, 'change the roster');
    return this.db.transaction(async (tx) => {
      const entry = await findRosterEntry(tx, id, { lock: true });
      if (!entry) {
        throw notFound(`Peer supporter ${id} not found`);
      }
      if (entry.activeCareTeams > 0) {
        throw conflict(
          `Peer supporter ${id} is still on ${entry.activeCareTeams} care teams; reassign them first`,
          'peerSupporterId',
        );
      }
      const current = await this.read(repo, tx, id, entry.roleId);
      if (!entry.active) {
        return peerSupporterOf(current.practitioner, current.practitionerRole, 0);
      }
      const { practitioner, practitionerRole } = await this.write(repo, tx, id, entry.roleId, {
        ...current.profile,
        active: false,
      });
      await setActive(tx, id, false);
      return peerSupporterOf(practitioner, practitionerRole, 0);
    });
  }

  /** One member, if the caller may see them (a peer supporter only themself): else 404. */
  async get(repo: Repository, role: CallerRole, id: string): Promise<PeerSupporter> {
    if (role.kind === 'clinician' || role.kind === 'patient') {
      throw notFound(`Peer supporter ${id} not found`);
    }
    const entry = await findRosterEntry(this.db, id);
    if (!entry) {
      throw notFound(`Peer supporter ${id} not found`);
    }
    const { practitioner, practitionerRole } = await this.read(repo, this.db, id, entry.roleId);
    return peerSupporterOf(practitioner, practitionerRole, entry.activeCareTeams);
  }

  async list(
    repo: Repository,
    role: CallerRole,
    filter: RosterFilter,
    limit: number,
    offset: number,
  ): Promise<{ items: PeerSupporter[]; total: number }> {
    if (role.kind === 'clinician' || role.kind === 'patient') {
      throw forbidden('Only a program coordinator may list the roster');
    }
    const scoped: RosterFilter = {
      ...filter,
      ...(filter.language ? { language: primaryLanguage(filter.language) } : {}),
      ...(role.kind === 'peer-supporter' ? { ids: [role.practitionerId] } : {}),
    };
    const { ids, total } = await listRoster(this.db, scoped, limit, offset);
    const [resources, counts] = await Promise.all([
      loadRosterResources(repo, ids),
      caseloadCounts(this.db, ids),
    ]);
    const items = ids.flatMap((id) => {
      const found = resources.get(id);
      return found ? [peerSupporterOf(found.practitioner, found.role, counts.get(id) ?? 0)] : [];
    });
    return { items, total };
  }

  private async read(repo: Repository, q: Queryable, id: string, roleId: string) {
    const practitioner = await repo.read('Practitioner', id, { q });
    const practitionerRole = await repo.read('PractitionerRole', roleId, { q });
    return { practitioner, practitionerRole, profile: peerSupporterOf(practitioner, practitionerRole, 0) };
  }

  private async write(
    repo: Repository,
    tx: Queryable,
    id: string,
    roleId: string,
    profile: PeerSupporterProfile,
  ) {
    const practitioner = await repo.update(toPractitioner(id, profile), undefined, { q: tx });
    const practitionerRole = await repo.update(
      toPractitionerRole(roleId, id, profile, this.program),
      undefined,
      {
        q: tx,
      },
    );
    await this.index(tx, id, roleId, profile, [practitioner, practitionerRole]);
    return { practitioner, practitionerRole };
  }

  private async index(
    tx: Queryable,
    id: string,
    roleId: string,
    profile: PeerSupporterProfile,
    resources: readonly (Practitioner | PractitionerRole)[],
  ): Promise<void> {
    await saveRosterRow(tx, {
      id,
      roleId,
      role: profile.role,
      active: profile.active,
      sortName: `${profile.name.family.toLowerCase()} ${profile.name.given.join(' ').toLowerCase()}`,
      languages: [...new Set(profile.languages.map(primaryLanguage))],
      livedExperience: profile.livedExperience,
      maxCaseload: profile.maxCaseload,
      availableHours: availableHours(profile.availability),
      certifications: profile.certifications,
    });
    await emit(tx, 'roster.changed', { type: 'peer-supporter', id }, resources);
  }
}
