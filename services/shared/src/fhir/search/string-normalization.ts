/** FHIR string search is case- and accent-insensitive: compare lower-cased, accents removed. */
export function normalizeString(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}
