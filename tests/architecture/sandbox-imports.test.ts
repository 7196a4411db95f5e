import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';

/**
 * The development sandbox must stay out of every deployed service: the eslint rule that keeps it
 * out is checked here on sample files, so that removing or narrowing the rule fails a test, not
 * only a later review.
 */
const eslint = new ESLint();

async function restrictedImports(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

const SOURCES = {
  package:
    "import { developmentSandbox } from '@peerbridge/sandbox';\nexport const x = developmentSandbox;\n",
  relative:
    "import { DEMO_USERS } from '../../../sandbox/src/demo-users.js';\nexport const x = DEMO_USERS;\n",
  library: "import Provider from 'oidc-provider';\nexport const x = Provider;\n",
  ehrLibrary: "import { FhirRouter } from '@medplum/fhir-router';\nexport const x = FhirRouter;\n",
};

describe('who may import the development sandbox', () => {
  it.each([
    ['services/shared/src/app/probe.ts', 'package'],
    ['services/shared/src/app/probe.ts', 'relative'],
    ['services/shared/src/app/probe.ts', 'library'],
    ['services/referral/src/http/probe.ts', 'package'],
    ['services/referral/src/http/probe.ts', 'relative'],
    ['services/referral/src/http/probe.ts', 'library'],
    ['services/shared/src/app/probe.ts', 'ehrLibrary'],
    ['services/ehr-integration/src/smart-client/probe.ts', 'ehrLibrary'],
    ['services/ehr-integration/src/smart-client/probe.ts', 'package'],
  ] as const)('when %s imports the sandbox (%s), then lint refuses it', async (file, kind) => {
    expect(await restrictedImports(file, SOURCES[kind])).toHaveLength(1);
  });

  it('when the development host imports the sandbox, then lint accepts it', async () => {
    expect(await restrictedImports('services/gateway/src/probe.ts', SOURCES.package)).toEqual([]);
  });
});
