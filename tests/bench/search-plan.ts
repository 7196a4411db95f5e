/** One node of a PostgreSQL EXPLAIN (FORMAT JSON) plan, with the fields the checks read. */
export interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
}

const INDEX_SCANS = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);

/** Every node of an EXPLAIN (FORMAT JSON) result, depth first. */
export function planNodes(explained: unknown): PlanNode[] {
  const [root] = explained as [{ Plan: PlanNode }];
  const nodes: PlanNode[] = [];
  const visit = (node: PlanNode) => {
    nodes.push(node);
    node.Plans?.forEach(visit);
  };
  visit(root.Plan);
  return nodes;
}

/** The tables read by a sequential scan: none, for a search that is an index lookup. */
export function seqScannedTables(nodes: readonly PlanNode[]): string[] {
  return nodes.filter((node) => node['Node Type'] === 'Seq Scan').map((node) => node['Relation Name'] ?? '?');
}

/** The indexes the plan reads through an index scan (plain, index-only or bitmap). */
export function scannedIndexes(nodes: readonly PlanNode[]): string[] {
  return nodes
    .filter((node) => INDEX_SCANS.has(node['Node Type']) && node['Index Name'])
    .map((node) => node['Index Name']!);
}
