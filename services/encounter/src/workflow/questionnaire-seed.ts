import { isDeepStrictEqual } from 'node:util';
import type { Questionnaire } from '@medplum/fhirtypes';
import { OperationOutcomeError, publishedResources, type Repository } from '@peerbridge/shared';

/** The instruments as published in fhir-profiles/encounter/Questionnaire-*.json. */
export function publishedQuestionnaires(): (Questionnaire & { id: string })[] {
  return publishedResources()
    .filter(({ file }) => /^encounter\/Questionnaire-.+\.json$/.test(file))
    .map(({ resource }) => resource as Questionnaire & { id: string });
}

/**
 * Writes the published Questionnaires into the FHIR store under their own ids, so that
 * /fhir/Questionnaire reads and searches them through the same router, repository and search
 * index as every other type (serving them from memory would need a second read path beside the
 * router). Idempotent: an unchanged Questionnaire is left alone, a changed file becomes a new
 * version. An advisory lock keeps replicas that start together from writing twice.
 */
export async function seedQuestionnaires(system: Repository): Promise<void> {
  const published = publishedQuestionnaires();
  await system.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      'peerbridge-seed:encounter.questionnaires',
    ]);
    for (const questionnaire of published) {
      const stored = await system.read('Questionnaire', questionnaire.id, { q: tx }).catch(absent);
      if (!stored) {
        await system.create(questionnaire, { q: tx, id: questionnaire.id });
      } else if (!sameContent(stored, questionnaire)) {
        await system.update(questionnaire, undefined, { q: tx });
      }
    }
  });
}

function absent(error: unknown): undefined {
  if (error instanceof OperationOutcomeError && error.status === 404) {
    return undefined;
  }
  throw error;
}

function sameContent(stored: Questionnaire, published: Questionnaire): boolean {
  // Stored as jsonb, which does not keep key order: compared as values.
  const { meta: _meta, ...content } = stored;
  return isDeepStrictEqual(content, published);
}
