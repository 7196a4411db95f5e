import { afterAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { ALL_SERVICES } from '@peerbridge/gateway';
import { createLogger, runServer, type Interaction } from '@peerbridge/shared';
import { serviceRequest, task } from '../support/fixtures.js';
import { fhirClient, startTestApp } from '../support/test-app.js';

// Generated bad and odd input thrown at every FHIR interaction and REST operation of a running
// app: malformed and deep JSON, wrong types, odd keys, unicode edge cases, odd headers and
// query strings. Whatever comes in, nothing answers 5xx, every error is an OperationOutcome, a
// refused write stores nothing, and the server is healthy afterwards. Seeded and bounded:
// FUZZ_RUNS and FUZZ_SEED choose how many cases and which (`npm run fuzz` runs many more).

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

const t = await startTestApp(ALL_SERVICES);
// Requests go to a real listening server, so that what Node's own HTTP parser refuses (a URL or
// headers too large) is answered the way production answers it.
const server = await runServer({
  app: t.app,
  port: 0,
  logger: createLogger({ level: 'error', service: 'fuzz', silent: true }),
  shutdownTimeoutMs: 1000,
  onClosed: async () => {},
});
const address = server.server.address();
const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
afterAll(async () => {
  await server.shutdown();
  await t.close();
});

const seeded = {
  ServiceRequest: (await fhirClient(t).post('/fhir/ServiceRequest').send(serviceRequest())).body,
} as Record<string, { id: string }>;
seeded.Task = (
  await fhirClient(t)
    .post('/fhir/Task')
    .send(task(`ServiceRequest/${seeded.ServiceRequest!.id}`, 'Patient/fuzz-1'))
).body;

/** Versions stored across every service: a refused write must leave the count as it was. */
async function storedVersions(): Promise<number> {
  let total = 0;
  for (const service of ALL_SERVICES) {
    const [row] = await t.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM ${service.schema}.resource)::int + (SELECT count(*) FROM ${service.schema}.resource_version)::int AS n`,
    );
    total += row!.n;
  }
  return total;
}

interface Route {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  readonly path: string;
  readonly writes: boolean;
}

const FHIR_ROUTES: Record<Interaction, (type: string, id: string) => Route> = {
  read: (type, id) => ({ method: 'get', path: `/fhir/${type}/${id}`, writes: false }),
  vread: (type, id) => ({ method: 'get', path: `/fhir/${type}/${id}/_history/1`, writes: false }),
  'history-instance': (type, id) => ({ method: 'get', path: `/fhir/${type}/${id}/_history`, writes: false }),
  'search-type': (type) => ({ method: 'get', path: `/fhir/${type}`, writes: false }),
  create: (type) => ({ method: 'post', path: `/fhir/${type}`, writes: true }),
  update: (type, id) => ({ method: 'put', path: `/fhir/${type}/${id}`, writes: true }),
  delete: (type, id) => ({ method: 'delete', path: `/fhir/${type}/${id}`, writes: true }),
};

const routes: Route[] = ALL_SERVICES.flatMap((service) =>
  service.resources.flatMap((definition) =>
    definition.interactions.map((interaction) =>
      FHIR_ROUTES[interaction](definition.type, seeded[definition.type]?.id ?? 'x'),
    ),
  ),
);
for (const service of ALL_SERVICES) {
  const document = (await request(t.app).get(`/api/${service.name}/openapi.json`)).body;
  const base: string = document.servers[0].url;
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
    for (const method of ['get', 'post', 'put', 'delete'] as const) {
      if (item[method]) {
        routes.push({ method, path: `${base}${path.replace(/\{\w+\}/g, 'fuzz')}`, writes: method !== 'get' });
      }
    }
  }
}

/** Keys that have tripped JavaScript code before, beside arbitrary ones. */
const oddKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'valueOf',
    'hasOwnProperty',
    '',
    ' ',
    'resourceType',
    'id',
    'meta',
    '_status',
    'status',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    '\ud800',
    '\udfff',
    'a\u0000b',
    '%00',
    '%ff',
    '%',
    '../../etc',
    '\u202e',
    '𝔘𝔫𝔦',
    'x'.repeat(5000),
  ),
);
const oddJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    oddString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(oddKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A valid resource with one element replaced by something odd, or odd JSON altogether. */
const body = fc.oneof(
  fc.record({ key: oddKey, value: oddJson }).map(({ key, value }) => {
    const resource = JSON.parse(JSON.stringify(serviceRequest())) as Record<string, unknown>;
    return `${JSON.stringify(resource).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value)}}`;
  }),
  oddJson.map((value) => JSON.stringify(value) ?? 'null'),
  fc.nat({ max: 3000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const header = fc.record(
  {
    'Content-Type': fc.constantFrom(
      'application/fhir+json',
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/fhir+json; charset=latin1',
      'multipart/form-data',
    ),
    'Content-Encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress'),
    'If-Match': fc.oneof(
      fc.constantFrom('W/"1"', '"1"', 'W/"-1"', '*', 'W/"999999999999"'),
      fc.string({ maxLength: 20 }),
    ),
    'If-None-Exist': fc.oneof(
      fc.constantFrom('identifier=%00', '', '?', 'x=y', '_id=1&_id=2'),
      fc.string({ maxLength: 40 }),
    ),
    Prefer: fc.constantFrom(
      'return=minimal',
      'return=OperationOutcome',
      'handling=strict',
      'respond-async',
      'x',
    ),
    Accept: fc.constantFrom('application/fhir+json', 'application/xml', '*/*', 'text/html'),
  },
  { requiredKeys: [] },
);

/** Query pairs, percent-encoded, plus raw fragments a careless client sends as they are. */
const query = fc
  .tuple(
    fc.array(fc.tuple(oddKey, oddString), { maxLength: 6 }),
    fc.constantFrom('', '%ff', '%', '%zz', 'a=%00', '_count=-1', '_count=1.5', '_sort=', '_include=*'),
  )
  .map(([pairs, raw]) =>
    [...pairs.map(([key, value]) => `${encode(key)}=${encode(value)}`), raw].filter(Boolean).join('&'),
  );

function encode(text: string): string {
  return encodeURIComponent(text.toWellFormed());
}

/** Sometimes an odd id in place of the route's own: bad percent-encoding, dots, odd text. */
const idSegment = fc.option(
  fc.oneof(
    fc.constantFrom('%ff', '%', '%zz', '%C0%AE', '..', '%2e%2e', '%00', 'a'.repeat(100)),
    oddString.map(encode),
  ),
  { freq: 3 },
);

const printable = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([, value]) => /^[\t\x20-\x7e]*$/.test(value)));

describe('hostile input', () => {
  it(`when ${RUNS} generated odd requests hit every route, then none is a 5xx, every error is an OperationOutcome and refused writes store nothing`, async () => {
    expect(routes.length).toBeGreaterThanOrEqual(19);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        body,
        header,
        query,
        idSegment,
        async (route, payload, headers, search, id) => {
          const before = route.writes ? await storedVersions() : 0;
          const path =
            id === null ? route.path : route.path.replace(/\/(fuzz|[0-9a-f-]{36})(?=\/|$)/, `/${id}`);
          const url = search ? `${path}?${search}` : path;
          const send = request(baseUrl)[route.method];
          let call = send(url).set({ Authorization: t.authorization, ...printable(headers) });
          if (route.method !== 'get' && route.method !== 'delete') {
            call = call.send(payload);
          }
          const res = await call;
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(JSON.parse(res.text).resourceType).toBe('OperationOutcome');
            if (route.writes) {
              expect(await storedVersions()).toBe(before);
            }
          }
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect((await request(t.app).get('/readyz')).status).toBe(200);
    expect((await fhirClient(t).post('/fhir/ServiceRequest').send(serviceRequest())).status).toBe(201);
  });
});
