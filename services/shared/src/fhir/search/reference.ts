const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/**
 * Reduces a reference to the form the index stores: `Type/id` for a relative reference or an
 * absolute one on our own FHIR base, the absolute URL as written otherwise. Version suffixes are
 * dropped because a reference search matches the resource, not one version of it.
 */
export function normalizeReference(reference: unknown, baseUrl: string): string | undefined {
  if (typeof reference !== 'string' || reference === '' || reference.startsWith('#')) {
    return undefined;
  }
  const ownBase = `${baseUrl}/fhir/`;
  const relative = reference.startsWith(ownBase) ? reference.slice(ownBase.length) : reference;
  const match = RELATIVE.exec(relative);
  return match ? `${match[1]}/${match[2]}` : reference;
}
