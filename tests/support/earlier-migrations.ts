import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationSet } from '@peerbridge/shared';

/**
 * A migration set cut short: only the named files of `set`, as a schema had them before the
 * migration under test was written. `remove` deletes the temporary copy.
 */
export function earlierMigrations(
  set: MigrationSet,
  files: readonly string[],
): { readonly set: MigrationSet; remove(): void } {
  const directory = mkdtempSync(join(tmpdir(), `${set.name}-earlier-`));
  for (const file of files) {
    copyFileSync(join(set.directory, file), join(directory, file));
  }
  return { set: { ...set, directory }, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
