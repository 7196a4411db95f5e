import { expect } from '@jest/globals';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Response } from 'supertest';
import { loadOpenApiDocument } from '@peerbridge/shared';

// ajv-formats is CommonJS; under native ESM its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

type Json = Record<string, unknown>;

/**
 * Checks responses against a service's OpenAPI contract: a documented status, the documented
 * media type, and a body valid against the documented schema.
 */

export function contractOf(path: string) {
  const document = loadOpenApiDocument(path, 'http://peerbridge.test');
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');

  const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

  interface Operation {
    readonly path: string;
    readonly method: string;
    readonly responses: Json;
  }

  function operations(): Map<string, Operation> {
    const found = new Map<string, Operation>();
    for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
      for (const method of METHODS) {
        const operation = item[method] as Json | undefined;
        if (operation) {
          found.set(operation.operationId as string, {
            path,
            method,
            responses: operation.responses as Json,
          });
        }
      }
    }
    return found;
  }

  const OPERATIONS = operations();

  /** Every (operationId, status) the document promises, e.g. `createReferral 201`. */
  function documentedResponses(): string[] {
    return [...OPERATIONS].flatMap(([id, operation]) =>
      Object.keys(operation.responses).map((s) => `${id} ${s}`),
    );
  }

  const validators = new Map<string, ValidateFunction>();
  const exercised = new Set<string>();

  /**
   * Asserts a response is one the contract documents for the operation: a documented status, the
   * documented media type, and a body valid against the documented schema.
   */
  function expectContract(res: Response, operationId: string): void {
    const operation = OPERATIONS.get(operationId);
    expect(operation).toBeDefined();
    const status = String(res.status);
    const documented = Object.keys(operation!.responses);
    expect(documented).toContain(status);
    let pointer = `#/paths/${escape(operation!.path)}/${operation!.method}/responses/${status}`;
    const response = operation!.responses[status] as Json;
    if (typeof response.$ref === 'string') {
      pointer = response.$ref;
    }
    const content = resolve(pointer).content as Record<string, unknown>;
    const [mediaType] = Object.keys(content);
    expect(res.headers['content-type']).toContain(mediaType);
    const key = `${pointer}/content/${escape(mediaType!)}/schema`;
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile({ $ref: `openapi.json${key}` });
      validators.set(key, validate);
    }
    if (!validate(res.body)) {
      throw new Error(`${operationId} ${status} breaks the contract: ${ajv.errorsText(validate.errors)}`);
    }
    exercised.add(`${operationId} ${status}`);
  }

  /** Errors of `value` against the schema at `pointer` in the document; empty when valid. */
  function schemaErrors(pointer: string, value: unknown): string[] {
    const validate = ajv.compile({ $ref: `openapi.json${pointer}` });
    return validate(value)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
  }

  function openApiDocument(): Json {
    return document;
  }

  function resolve(pointer: string): Json {
    return pointer
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<Json>((node, part) => node[part] as Json, document);
  }

  function escape(segment: string): string {
    return segment.replace(/~/g, '~0').replace(/\//g, '~1');
  }

  return { OPERATIONS, documentedResponses, exercised, expectContract, schemaErrors, openApiDocument };
}
