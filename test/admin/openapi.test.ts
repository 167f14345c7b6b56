/**
 * The OpenAPI document is generated from the schemas the routes validate with; these tests
 * hold it to the app itself: every route the admin app registers is documented with its
 * method, and nothing is documented that the app does not serve.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRoutes, OPENAPI_PATH } from '../../src/api/admin/index.js';
import { createHarness, type Harness } from '../helpers/harness.js';

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
  security: Record<string, string[]>[];
};

const toOpenApiPath = (path: string) => path.replace(/:([^/]+)/g, '{$1}');

/** `GET /api/groups/{id}` for every handler the admin app registers (middleware is method ALL). */
const registered = () =>
  new Set(
    adminRoutes()
      .routes.filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method} ${toOpenApiPath(r.path)}`),
  );

const documented = (doc: Doc) =>
  new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));

let h: Harness;
let doc: Doc;
beforeAll(async () => {
  h = await createHarness();
  const res = await h.request('GET', OPENAPI_PATH, { token: null });
  expect(res.status, res.text).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = res.body as Doc;
});
afterAll(() => h.close());

describe('/api/openapi.json', () => {
  it('is OpenAPI 3.1, served without a key', () => {
    expect(doc.openapi).toBe('3.1.0');
  });

  it('documents every route the admin app registers, with its method', () => {
    const routes = registered();
    expect(routes.size).toBeGreaterThan(10);
    for (const route of routes) expect(documented(doc), route).toContain(route);
  });

  it('documents nothing the admin app does not serve', () => {
    const routes = registered();
    for (const op of documented(doc)) expect(routes, op).toContain(op);
  });

  it('declares the bearer scheme and requires it everywhere but on itself', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (path === OPENAPI_PATH) {
          expect(op.security).toEqual([]);
        } else {
          expect(op.security, `${method} ${path}`).toBeUndefined();
          expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403']));
        }
      }
    }
  });

  it('names every path parameter of every route', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        const params = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(params.sort(), `${method} ${path}`).toEqual(inPath.sort());
      }
    }
  });

  it('gives every write a JSON request body and every answer a documented success status', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        // Action routes (retry, approve, reconcile) take no body; every other write does.
        if ((method === 'post' || method === 'patch') && !/\/(retry|approve|reconcile)$/.test(path))
          expect(op.requestBody, `${method} ${path}`).toBeDefined();
        expect(
          Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)),
          `${method} ${path}`,
        ).toBe(true);
      }
    }
  });

  it('resolves every $ref to a component', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas, ref).toHaveProperty(ref);
  });
});
