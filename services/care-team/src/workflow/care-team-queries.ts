import type { CareTeam } from '@medplum/fhirtypes';
import { notFound, parseSearchRequest, type Database, type Repository } from '@peerbridge/shared';
import { maySeePeerSupporter, type CallerRole } from '../domain/caller-role.js';
import { CARE_TEAM } from '../fhir/resource-definitions.js';
import { caseloadOf, type CaseloadRow } from '../store/care-team-tables.js';
import { findRosterEntry } from '../store/roster-tables.js';

export interface CareTeamFilter {
  readonly patient?: string;
  readonly peerSupporterId?: string;
  readonly status?: readonly string[];
  readonly limit: number;
  readonly offset: number;
}

/** Care teams as the caller may see them: every read is a search or read of their repository. */
export class CareTeamQueries {
  constructor(private readonly db: Database) {}

  get(repo: Repository, id: string): Promise<CareTeam> {
    return repo.read('CareTeam', id);
  }

  async list(repo: Repository, filter: CareTeamFilter): Promise<{ items: CareTeam[]; total: number }> {
    const query: [string, string][] = [
      ['_sort', '-_lastUpdated'],
      ['_count', String(filter.limit)],
      ['_offset', String(filter.offset)],
    ];
    if (filter.patient) query.push(['patient', filter.patient]);
    if (filter.peerSupporterId) query.push(['participant', `Practitioner/${filter.peerSupporterId}`]);
    if (filter.status) query.push(['status', filter.status.join(',')]);
    const result = await repo.search<CareTeam>(parseSearchRequest(CARE_TEAM, query, { strict: true }));
    return { items: result.matches, total: result.total ?? result.matches.length };
  }

  /** A peer supporter's active care teams; the program and the peer supporter themself only. */
  async caseload(
    role: CallerRole,
    peerSupporterId: string,
  ): Promise<{ maxCaseload: number; items: CaseloadRow[] }> {
    const entry = await findRosterEntry(this.db, peerSupporterId);
    if (!entry || !maySeePeerSupporter(role, peerSupporterId)) {
      throw notFound(`Peer supporter ${peerSupporterId} not found`);
    }
    return { maxCaseload: entry.maxCaseload, items: await caseloadOf(this.db, peerSupporterId) };
  }
}
