import type { Bundle, BundleEntry, BundleLink, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { SearchRequest } from '../search/search-request.js';
import type { SearchResult, StoredVersion } from '../store/resource-store.js';

export function fullUrl(baseUrl: string, resource: Resource): string {
  return `${baseUrl}/fhir/${resource.resourceType}/${resource.id}`;
}

/**
 * A searchset Bundle. Links carry the query as the client sent it, minus the parameters the
 * server ignored (so `self` shows what was actually searched), with `_offset` moved for paging.
 */
export function searchsetBundle(
  baseUrl: string,
  request: SearchRequest,
  query: readonly (readonly [string, string])[],
  result: SearchResult,
): Bundle {
  const used = query.filter(
    ([key, value]) => !request.ignored.includes(key) && !request.ignored.includes(`${key}=${value}`),
  );
  const link = (relation: string, offset: number): BundleLink => {
    const params = new URLSearchParams(used.filter(([key]) => key !== '_offset') as [string, string][]);
    if (offset > 0) {
      params.set('_offset', String(offset));
    }
    const search = params.toString();
    return { relation, url: `${baseUrl}/fhir/${request.resourceType}${search ? `?${search}` : ''}` };
  };
  const links = [link('self', request.offset)];
  if (result.hasMore) {
    links.push(link('next', request.offset + request.count));
  }
  if (request.offset > 0) {
    links.push(link('previous', Math.max(0, request.offset - request.count)));
  }
  const entry: BundleEntry[] = [
    ...result.matches.map((resource) => ({
      fullUrl: fullUrl(baseUrl, resource),
      resource,
      search: { mode: 'match' as const },
    })),
    ...result.included.map((resource) => ({
      fullUrl: fullUrl(baseUrl, resource),
      resource,
      search: { mode: 'include' as const },
    })),
  ];
  if (request.ignored.length > 0) {
    entry.push({ resource: ignoredParametersOutcome(request.ignored), search: { mode: 'outcome' } });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total === undefined ? {} : { total: result.total }),
    link: links,
    entry,
  };
}

function ignoredParametersOutcome(ignored: readonly string[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: ignored.map((parameter) => ({
      severity: 'warning',
      code: 'not-supported',
      details: { text: `Search parameter ${parameter} is not supported and was ignored` },
      expression: [parameter.split(/[:=]/)[0]!],
    })),
  };
}

/** An instance history Bundle, newest version first; deletions appear as DELETE entries. */
export function historyBundle(
  baseUrl: string,
  resourceType: string,
  id: string,
  versions: readonly StoredVersion[],
  total: number,
): Bundle {
  const url = `${baseUrl}/fhir/${resourceType}/${id}`;
  return {
    resourceType: 'Bundle',
    type: 'history',
    total,
    link: [{ relation: 'self', url: `${url}/_history` }],
    entry: versions.map((version) => ({
      fullUrl: url,
      ...(version.resource ? { resource: version.resource } : {}),
      request: {
        method: version.deleted ? 'DELETE' : version.versionId === 1 ? 'POST' : 'PUT',
        url: version.versionId === 1 ? resourceType : `${resourceType}/${id}`,
      },
      response: {
        status: version.deleted ? '204' : version.versionId === 1 ? '201' : '200',
        etag: `W/"${version.versionId}"`,
        lastModified: version.lastUpdated,
      },
    })),
  };
}
