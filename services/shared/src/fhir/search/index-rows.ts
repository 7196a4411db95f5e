import { toTypedValue, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { ResourceDefinition, SearchParameterDefinition } from '../resource-definition.js';
import { dateRange, parseFhirDate } from './date-range.js';
import { normalizeReference } from './reference.js';
import { normalizeString } from './string-normalization.js';

export interface TokenRow {
  param: string;
  system: string | null;
  code: string;
}
export interface ReferenceRow {
  param: string;
  target: string;
}
export interface DateRow {
  param: string;
  low: string;
  high: string;
}
export interface StringRow {
  param: string;
  value: string;
  normalized: string;
}

export interface IndexRows {
  tokens: TokenRow[];
  references: ReferenceRow[];
  dates: DateRow[];
  strings: StringRow[];
}

/**
 * Evaluates every declared search parameter's expression on a resource and returns the rows the
 * search tables hold for it.
 */
export function indexRowsFor(resource: Resource, definition: ResourceDefinition, baseUrl: string): IndexRows {
  const rows: IndexRows = { tokens: [], references: [], dates: [], strings: [] };
  const input = toTypedValue(resource);
  for (const parameter of definition.searchParameters.values()) {
    for (const value of parameter.values(input)) {
      addRows(rows, parameter, value, baseUrl);
    }
  }
  return rows;
}

function addRows(
  rows: IndexRows,
  parameter: SearchParameterDefinition,
  typed: TypedValue,
  baseUrl: string,
): void {
  const param = parameter.name;
  const value = typed.value as Record<string, unknown> & Record<string, never>;
  switch (parameter.type) {
    case 'token':
      for (const token of tokensOf(typed)) {
        rows.tokens.push({ param, ...token });
      }
      return;
    case 'reference':
      for (const target of referenceTargets(typed, baseUrl)) {
        rows.references.push({ param, target });
      }
      return;
    case 'date': {
      const range =
        typed.type === 'Period'
          ? dateRange(value.start, value.end)
          : typeof typed.value === 'string'
            ? parseFhirDate(typed.value)
            : undefined;
      if (range) {
        rows.dates.push({ param, ...range });
      }
      return;
    }
    case 'string':
      for (const text of stringsOf(typed)) {
        rows.strings.push({ param, value: text, normalized: normalizeString(text) });
      }
      return;
    case 'uri':
      // A uri is matched exactly (FHIR search, "uri"): it shares the string table, where the
      // exact index on `value` serves it, and is kept as written in both columns.
      if (typeof typed.value === 'string') {
        rows.strings.push({ param, value: typed.value, normalized: typed.value });
      }
      return;
  }
}

/**
 * A Reference's target, or a canonical's (`QuestionnaireResponse.questionnaire`): as written and,
 * when it names a version (`url|1.0.0`), also without it, so that a search by the bare canonical
 * URL finds responses to any version, as FHIR's canonical reference search does.
 */
function referenceTargets(typed: TypedValue, baseUrl: string): string[] {
  const value = typed.value as Record<string, unknown>;
  if (typed.type === 'Reference') {
    const target = normalizeReference(value.reference, baseUrl);
    return target ? [target] : [];
  }
  if (typed.type === 'canonical' && typeof typed.value === 'string') {
    const [url = ''] = typed.value.split('|');
    const targets = new Set([typed.value, url].map((form) => normalizeReference(form, baseUrl)));
    return [...targets].filter((target): target is string => target !== undefined);
  }
  return [];
}

function tokensOf(typed: TypedValue): { system: string | null; code: string }[] {
  const value = typed.value as Record<string, unknown>;
  switch (typed.type) {
    case 'Coding':
      return codingToken(value);
    case 'CodeableConcept':
      return ((value.coding as Record<string, unknown>[] | undefined) ?? []).flatMap(codingToken);
    case 'Identifier':
      return typeof value.value === 'string'
        ? [{ system: stringOrNull(value.system), code: value.value }]
        : [];
    case 'boolean':
      return [{ system: null, code: String(typed.value) }];
    case 'code':
    case 'string':
    case 'uri':
    case 'id':
      return [{ system: null, code: String(typed.value) }];
    default:
      return [];
  }
}

function codingToken(coding: Record<string, unknown>): { system: string | null; code: string }[] {
  return typeof coding.code === 'string' ? [{ system: stringOrNull(coding.system), code: coding.code }] : [];
}

function stringsOf(typed: TypedValue): string[] {
  const value = typed.value as Record<string, unknown>;
  const parts = (keys: string[]): string[] =>
    keys.flatMap((key) => {
      const part = value[key];
      return Array.isArray(part)
        ? part.filter((p) => typeof p === 'string')
        : typeof part === 'string'
          ? [part]
          : [];
    });
  switch (typed.type) {
    case 'HumanName':
      return parts(['text', 'family', 'given', 'prefix', 'suffix']);
    case 'Address':
      return parts(['text', 'line', 'city', 'district', 'state', 'postalCode', 'country']);
    default:
      return typeof typed.value === 'string' ? [typed.value] : [];
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
