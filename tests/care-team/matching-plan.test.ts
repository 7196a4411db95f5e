import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { careTeamService } from '@peerbridge/care-team';
import type { Queryable } from '@peerbridge/shared';
import { excludedPeerSupporters, rankCandidates } from '../../services/care-team/src/store/matching-query.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { addToRoster } from './support/fixtures.js';

/** A plan node as EXPLAIN (FORMAT JSON) gives it, with the fields these checks read. */
interface Node {
  readonly 'Node Type': string;
  readonly 'Parent Relationship'?: string;
  readonly 'Relation Name'?: string;
  readonly Alias?: string;
  readonly Filter?: string;
  readonly Plans?: readonly Node[];
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp([careTeamService]);
  await addToRoster(t, { languages: ['es'], livedExperience: ['depression', 'trauma'] });
  await addToRoster(t, { languages: ['en'], livedExperience: ['veteran'], maxCaseload: 0 });
});
afterAll(() => t.close());

/** Runs what the store would run under EXPLAIN (FORMAT JSON), keeping each plan's root. */
function explaining(plans: Node[]): Queryable {
  return {
    async query(sql: string, params?: unknown[]) {
      const [row] = await t.db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      const explained = row!['QUERY PLAN'];
      const [root] = (typeof explained === 'string' ? JSON.parse(explained) : explained) as [{ Plan: Node }];
      plans.push(root.Plan);
      return [];
    },
    exec: (sql: string) => t.db.exec(sql),
  };
}

/** [parent, child] for every SubPlan in the plan: a subquery run once per row of its parent. */
function subPlans(node: Node, parent?: Node): [Node | undefined, Node][] {
  const here: [Node | undefined, Node][] = node['Parent Relationship'] === 'SubPlan' ? [[parent, node]] : [];
  return [...here, ...(node.Plans ?? []).flatMap((child) => subPlans(child, node))];
}

function scansOf(node: Node, table: string): Node[] {
  const here = node['Relation Name'] === table ? [node] : [];
  return [...here, ...(node.Plans ?? []).flatMap((child) => scansOf(child, table))];
}

describe('the matching queries', () => {
  it('when candidates are ranked, then the roster is filtered and scored without a subquery per member; only the best `limit` get the explanation subqueries', async () => {
    const plans: Node[] = [];
    await rankCandidates(explaining(plans), {
      language: 'es',
      livedExperience: ['depression', 'trauma', 'veteran'],
      contactHours: [18, 19, 20, 42, 43, 44],
      patient: 'Patient/plan-check',
      today: '2026-12-02',
      limit: 10,
    });
    const [plan] = plans as [Node];
    // The shared codes and overlapping hours, computed for the rows that survive LIMIT alone.
    expect(subPlans(plan).map(([parent]) => parent?.Alias)).toEqual(['best', 'best']);
    const rosterScans = scansOf(plan, 'peer_supporter');
    expect(rosterScans).toHaveLength(1);
    expect(rosterScans[0]!.Filter ?? '').not.toMatch(/SubPlan|EXISTS/);
  });

  it('when exclusions are listed and counted, then no subquery runs per member', async () => {
    const plans: Node[] = [];
    await excludedPeerSupporters(explaining(plans), '2026-12-02', 10);
    expect(plans).toHaveLength(1);
    expect(subPlans(plans[0]!)).toEqual([]);
    expect(scansOf(plans[0]!, 'peer_supporter')).toHaveLength(1);
  });
});
