import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import document from '../../docs/openapi.json';

/**
 * web/docs/openapi.json (served at GET /api/openapi) must describe exactly the routes under
 * src/app/api — every exported method of every route.ts, nothing that does not exist — and be a
 * structurally sound OpenAPI 3.1 document.
 */

const API_DIR = path.resolve(__dirname, '../../src/app/api');
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const OPERATION_KEYS = HTTP_METHODS.map((m) => m.toLowerCase());

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Record<string, any>;
const doc = document as unknown as Obj;

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === 'route.ts' ? [full] : [];
  });
}

/** `src/app/api/datasets/[id]/candles/route.ts` → `/api/datasets/{id}/candles` (Next's folder routing). */
function openApiPath(file: string): string {
  const segments = path.relative(API_DIR, path.dirname(file)).split(path.sep).filter(Boolean);
  const url = segments
    .filter((s) => !/^\(.*\)$/.test(s)) // route groups are not part of the URL
    .map((s) => {
      if (/^\[\.\.\./.test(s) || /^\[\[/.test(s)) throw new Error(`${file}: catch-all segment ${s} has no OpenAPI equivalent; document it by hand and teach this test`);
      const dynamic = /^\[(\w+)\]$/.exec(s);
      return dynamic ? `{${dynamic[1]}}` : s;
    });
  return ['/api', ...url].join('/');
}

/** "GET /api/x" for every method each route module exports. */
async function implementedOperations(): Promise<string[]> {
  const out: string[] = [];
  for (const file of routeFiles(API_DIR)) {
    const mod = (await import(file)) as Record<string, unknown>;
    const methods = HTTP_METHODS.filter((m) => typeof mod[m] === 'function');
    expect(methods.length, `${file} exports no HTTP method`).toBeGreaterThan(0);
    for (const m of methods) out.push(`${m} ${openApiPath(file)}`);
  }
  return out.sort();
}

function documentedOperations(): string[] {
  return Object.entries(doc.paths as Obj)
    .flatMap(([p, item]) => Object.keys(item as Obj).filter((k) => OPERATION_KEYS.includes(k)).map((k) => `${k.toUpperCase()} ${p}`))
    .sort();
}

/** Every `$ref` in the document with the JSON path it sits at. */
function refs(node: Json, at = '#'): Array<{ at: string; ref: string }> {
  if (Array.isArray(node)) return node.flatMap((v, i) => refs(v, `${at}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [{ at, ref: v }] : refs(v, `${at}/${k}`)));
}

/** Resolves a local JSON pointer (`#/components/schemas/X`); undefined when it points nowhere. */
function resolvePointer(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in (node as Obj))) return undefined;
    node = (node as Obj)[key];
  }
  return node;
}

const deref = (x: Obj): Obj => (typeof x.$ref === 'string' ? (resolvePointer(x.$ref) as Obj) : x);

function operations(): Array<{ name: string; pathKey: string; pathItem: Obj; op: Obj }> {
  return Object.entries(doc.paths as Obj).flatMap(([pathKey, pathItem]) =>
    OPERATION_KEYS.filter((k) => k in pathItem).map((k) => ({ name: `${k.toUpperCase()} ${pathKey}`, pathKey, pathItem, op: pathItem[k] as Obj })),
  );
}

describe('openapi.json covers every route', () => {
  it('lists exactly the methods the route modules export', async () => {
    const implemented = await implementedOperations();
    const documented = documentedOperations();
    expect(implemented.length).toBeGreaterThan(20);
    expect(
      { missingFromDocument: implemented.filter((o) => !documented.includes(o)), documentedButNotImplemented: documented.filter((o) => !implemented.includes(o)) },
      'docs/openapi.json and src/app/api disagree',
    ).toEqual({ missingFromDocument: [], documentedButNotImplemented: [] });
  });

  it('maps Next folders to OpenAPI paths', () => {
    expect(openApiPath(path.join(API_DIR, 'datasets', '[id]', 'candles', 'route.ts'))).toBe('/api/datasets/{id}/candles');
    expect(openApiPath(path.join(API_DIR, '(internal)', 'models', 'route.ts'))).toBe('/api/models');
    expect(() => openApiPath(path.join(API_DIR, 'files', '[...rest]', 'route.ts'))).toThrow(/catch-all/);
  });
});

describe('openapi.json is a structurally valid OpenAPI 3.1 document', () => {
  it('has the required top-level fields', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info?.title).toBe('string');
    expect(typeof doc.info?.version).toBe('string');
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/'))).toBe(true);
  });

  it('every $ref resolves inside the document', () => {
    const all = refs(doc as Json);
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter((r) => resolvePointer(r.ref) === undefined)).toEqual([]);
  });

  it('every component schema is used', () => {
    const used = new Set(refs(doc as Json).map((r) => r.ref));
    expect(Object.keys(doc.components.schemas).filter((name) => !used.has(`#/components/schemas/${name}`))).toEqual([]);
  });

  it('every path parameter is declared (in: path, required) and every declared one is in the path', () => {
    const problems: string[] = [];
    for (const { name, pathKey, pathItem, op } of operations()) {
      const templated = [...pathKey.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const params = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map(deref);
      const declared = params.filter((p) => p.in === 'path');
      for (const t of templated) {
        const p = declared.find((d) => d.name === t);
        if (!p) problems.push(`${name}: {${t}} is not declared`);
        else if (p.required !== true) problems.push(`${name}: path parameter ${t} must be required: true`);
      }
      for (const d of declared) if (!templated.includes(d.name)) problems.push(`${name}: path parameter ${d.name} is not in the path`);
    }
    expect(problems).toEqual([]);
  });

  it('operations are well formed: unique operationIds, parameters, request bodies and responses', () => {
    const problems: string[] = [];
    const ids = new Map<string, string>();
    for (const { name, pathItem, op } of operations()) {
      if (typeof op.operationId !== 'string') problems.push(`${name}: no operationId`);
      else if (ids.has(op.operationId)) problems.push(`${name}: operationId ${op.operationId} is also used by ${ids.get(op.operationId)}`);
      else ids.set(op.operationId, name);

      const opParams = (op.parameters ?? []).map(deref);
      const seen = new Set<string>();
      for (const p of [...(pathItem.parameters ?? []).map(deref), ...opParams]) {
        if (!['query', 'header', 'path', 'cookie'].includes(p.in)) problems.push(`${name}: parameter ${p.name} has in: ${p.in}`);
        if (!p.schema && !p.content) problems.push(`${name}: parameter ${p.name} has neither schema nor content`);
      }
      for (const p of opParams) {
        const key = `${p.in}:${p.name}`;
        if (seen.has(key)) problems.push(`${name}: parameter ${key} is declared twice`);
        seen.add(key);
      }

      if (op.requestBody) {
        const rb = deref(op.requestBody);
        if (!rb.content || !Object.keys(rb.content).length) problems.push(`${name}: requestBody without content`);
      }

      const responses = Object.entries((op.responses ?? {}) as Obj);
      if (!responses.length) problems.push(`${name}: no responses`);
      if (!responses.some(([code]) => /^2\d\d$/.test(code))) problems.push(`${name}: no 2xx response`);
      for (const [code, raw] of responses) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) problems.push(`${name}: response key ${code}`);
        const r = deref(raw as Obj);
        if (typeof r?.description !== 'string') problems.push(`${name} ${code}: a response needs a description`);
        for (const [type, media] of Object.entries((r?.content ?? {}) as Obj)) if (!('schema' in media)) problems.push(`${name} ${code} ${type}: no schema`);
      }
    }
    expect(problems).toEqual([]);
  });
});
