/** `Type/id` or an absolute URL ending in `Type/id` (an EHR's Patient lives on the EHR's server). */
const REFERENCE =
  /^(?:https?:\/\/[^\s?#]+\/)?([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

export function isReferenceTo(reference: string | undefined, type: string): boolean {
  return reference !== undefined && REFERENCE.exec(reference)?.[1] === type;
}
