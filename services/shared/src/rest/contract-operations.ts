import type { OpenApiDocument } from './openapi-document.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** One operation of an OpenAPI document, as the REST kit mounts and checks it. */
export interface ContractOperation {
  readonly operationId: string;
  readonly method: (typeof METHODS)[number];
  /** The document's path (`/referrals/{referralId}`). */
  readonly path: string;
  /** The same path as an Express route (`/referrals/:referralId`). */
  readonly expressPath: string;
  /** The SMART scopes its `security` names (the document's default when it names none). */
  readonly scopes: readonly string[];
  /** The statuses it documents (`201`, `400`, …). */
  readonly responses: readonly string[];
}

type SecurityRequirement = Record<string, readonly string[]>;

interface OperationObject {
  readonly operationId?: string;
  readonly security?: readonly SecurityRequirement[];
  readonly responses?: Record<string, unknown>;
}

/** Every operation of the document, in document order; one without an operationId is an error. */
export function contractOperations(document: OpenApiDocument): ContractOperation[] {
  const defaultSecurity = (document.security ?? []) as readonly SecurityRequirement[];
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = (item as Record<string, OperationObject | undefined>)[method];
      if (!operation) {
        return [];
      }
      if (!operation.operationId) {
        throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      }
      return [
        {
          operationId: operation.operationId,
          method,
          path,
          expressPath: path.replace(/\{([^}]+)\}/g, ':$1'),
          scopes: (operation.security ?? defaultSecurity).flatMap((requirement) =>
            Object.values(requirement).flat(),
          ),
          responses: Object.keys(operation.responses ?? {}),
        },
      ];
    }),
  );
}
