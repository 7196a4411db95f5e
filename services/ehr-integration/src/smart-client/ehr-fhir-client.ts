import { Client, type FhirResource, type RequestOptions, type SearchParams } from 'fhir-kit-client';
import type { EhrConnection, Logger } from '@peerbridge/shared';
import { AccessTokens, type AccessTokenOptions, type TokenStatus } from './access-tokens.js';
import { EhrUnavailableError } from './ehr-errors.js';

/** A FHIR error answer from the EHR: its status and OperationOutcome, for the caller to decide. */
export class EhrFhirError extends EhrUnavailableError {
  constructor(
    operation: string,
    status: number,
    readonly outcome: unknown,
    retryAfterSeconds?: number,
  ) {
    super(operation, status, 'FHIR error', retryAfterSeconds);
    this.name = 'EhrFhirError';
  }
}

/**
 * PeerBridge's FHIR client for one EHR connection: fhir-kit-client with the connection's SMART
 * Backend Services token, every call bounded by the connection's timeout. A 401 means the EHR no
 * longer takes the token (revoked, expired early, keys rotated): the token is dropped and the
 * call made once more with a fresh one; a second 401 is the caller's to handle. An answer that is
 * not FHIR (an HTML error page, truncated JSON, JSON without a resourceType) is a failure, never
 * a success.
 */
export class EhrFhirClient {
  readonly tokens: AccessTokens;
  private readonly fhir: Client;

  constructor(
    readonly connection: EhrConnection,
    logger: Logger,
    options: AccessTokenOptions = {},
  ) {
    this.tokens = new AccessTokens(connection, logger, options);
    this.fhir = new Client({ baseUrl: connection.fhirBaseUrl });
  }

  status(): TokenStatus & { readonly id: string; readonly fhirBaseUrl: string } {
    return { id: this.connection.id, fhirBaseUrl: this.connection.fhirBaseUrl, ...this.tokens.status() };
  }

  read(resourceType: string, id: string): Promise<FhirResource> {
    return this.call('read', (options) => this.fhir.read({ resourceType, id, options }));
  }

  search(resourceType: string, searchParams: SearchParams): Promise<FhirResource> {
    return this.call('search', (options) => this.fhir.search({ resourceType, searchParams, options }));
  }

  /** The next page of a searchset Bundle, or undefined on the last page. */
  async nextPage(bundle: FhirResource): Promise<FhirResource | undefined> {
    const hasNext = (bundle.link as { relation?: string }[] | undefined)?.some(
      (link) => link.relation === 'next',
    );
    return hasNext
      ? this.call('search', (options) =>
          this.fhir.nextPage({ bundle: bundle as Parameters<Client['nextPage']>[0]['bundle'], options })!,
        )
      : undefined;
  }

  /** A create; with `ifNoneExist` a conditional create, so that a retried write makes one resource. */
  create(body: FhirResource, ifNoneExist?: string): Promise<FhirResource> {
    return this.call('create', (options) =>
      this.fhir.create({
        resourceType: body.resourceType,
        body,
        options: ifNoneExist
          ? { ...options, headers: { ...options.headers, 'if-none-exist': ifNoneExist } }
          : options,
      }),
    );
  }

  update(body: FhirResource & { id: string }): Promise<FhirResource> {
    return this.call('update', (options) =>
      this.fhir.update({ resourceType: body.resourceType, id: body.id, body, options }),
    );
  }

  /**
   * A conditional update on an identifier (`PUT Type?identifier=system|value`): creates the
   * resource when the EHR has none with it, updates the one it has otherwise, so that a write
   * sent twice makes one resource.
   */
  upsertByIdentifier(
    body: FhirResource,
    identifier: { system: string; value: string },
  ): Promise<FhirResource> {
    return this.call('update', (options) =>
      this.fhir.update({
        resourceType: body.resourceType,
        searchParams: { identifier: `${identifier.system}|${identifier.value}` },
        body,
        options,
      }),
    );
  }

  private async call(
    operation: string,
    run: (options: RequestOptions & { headers: Record<string, string> }) => Promise<FhirResource>,
  ): Promise<FhirResource> {
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.tokens.get();
      try {
        const resource = await run({
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(this.connection.requestTimeoutMs),
        });
        if (typeof resource.resourceType !== 'string') {
          throw new EhrUnavailableError(operation, 200, 'the answer is not a FHIR resource');
        }
        return resource;
      } catch (error) {
        const failure = toEhrError(error, operation);
        if (failure.status === 401 && attempt === 1) {
          this.tokens.invalidate(token);
          continue;
        }
        throw failure;
      }
    }
  }
}

/** fhir-kit-client's error (a response with status and data), a timeout or a network failure, as an EhrUnavailableError. */
function toEhrError(error: unknown, operation: string): EhrUnavailableError {
  if (error instanceof EhrUnavailableError) {
    return error;
  }
  const response = (error as { response?: { status?: number; data?: unknown } }).response;
  const headers = (error as { config?: { headers?: Headers } }).config?.headers;
  if (response?.status === undefined) {
    return EhrUnavailableError.from(error, operation);
  }
  const outcome = response.data;
  if (typeof outcome !== 'object' || outcome === null || !('resourceType' in outcome)) {
    return new EhrUnavailableError(operation, response.status, 'the answer is not FHIR');
  }
  const retryAfter = headers?.get('retry-after');
  return new EhrFhirError(
    operation,
    response.status,
    outcome,
    retryAfter ? Number(retryAfter) || undefined : undefined,
  );
}
