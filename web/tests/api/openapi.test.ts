import path from 'node:path';
import { describe, expect, it } from 'vitest';
import document from '../../docs/openapi.json';
import described from '@/server/openapi/described.json';
import { API_DIR, routeFiles } from '../support/routeFiles';
import { inputJsonSchema as inputSchema, openApiPath, openApiText, routeContracts } from '@/server/openapi/generate';
import { documentedInput } from '@/shared/schemaDocs';
import { ENGINE_ERROR_HTTP, isEngineErrorCode } from '@/server/http/engineErrors';

/**
 * web/docs/openapi.json (served at GET /api/openapi) is generated (src/server/openapi/generate.ts)
 * and must be fresh, agree with the zod schemas every route validates with, describe exactly the
 * routes under src/app/api — every exported method of every route.ts, nothing that does not
 * exist — and be a structurally sound OpenAPI 3.1 document.
 */

const COMMITTED = path.resolve(__dirname, '../../docs/openapi.json');

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const OPERATION_KEYS = HTTP_METHODS.map((m) => m.toLowerCase());

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Record<string, any>;
const doc = document as unknown as Obj;

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
    .flatMap(([p, item]) =>
      Object.keys(item as Obj)
        .filter((k) => OPERATION_KEYS.includes(k))
        .map((k) => `${k.toUpperCase()} ${p}`),
    )
    .sort();
}

/** Every `$ref` in the document with the JSON path it sits at. */
function refs(node: Json, at = '#'): Array<{ at: string; ref: string }> {
  if (Array.isArray(node)) return node.flatMap((v, i) => refs(v, `${at}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string' ? [{ at, ref: v }] : refs(v, `${at}/${k}`),
  );
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
    OPERATION_KEYS.filter((k) => k in pathItem).map((k) => ({
      name: `${k.toUpperCase()} ${pathKey}`,
      pathKey,
      pathItem,
      op: pathItem[k] as Obj,
    })),
  );
}

/** `node` with every local $ref replaced by what it points to. */
function resolveRefs(node: any): any {
  if (Array.isArray(node)) return node.map(resolveRefs);
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') return resolveRefs(resolvePointer(node.$ref));
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveRefs(v)]));
}

/** The contract without prose and the dialect marker: what agreement is about. */
function withoutProse(node: any): any {
  if (Array.isArray(node)) return node.map(withoutProse);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => k !== 'description' && k !== '$schema')
      .map(([k, v]) => [k, withoutProse(v)]),
  );
}

const sameSet = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const isDeepEqual = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(node: any): any {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.keys(node)
      .sort()
      .map((k) => [k, sortKeys(node[k])]),
  );
}

describe('openapi.json covers every route', () => {
  it('lists exactly the methods the route modules export', async () => {
    const implemented = await implementedOperations();
    const documented = documentedOperations();
    expect(implemented.length).toBeGreaterThan(20);
    expect(
      {
        missingFromDocument: implemented.filter((o) => !documented.includes(o)),
        documentedButNotImplemented: documented.filter((o) => !implemented.includes(o)),
      },
      'docs/openapi.json and src/app/api disagree',
    ).toEqual({ missingFromDocument: [], documentedButNotImplemented: [] });
  });

  it('maps Next folders to OpenAPI paths', () => {
    expect(openApiPath(path.join(API_DIR, 'datasets', '[id]', 'candles', 'route.ts'))).toBe(
      '/api/datasets/{id}/candles',
    );
    expect(openApiPath(path.join(API_DIR, '(internal)', 'models', 'route.ts'))).toBe('/api/models');
    expect(() => openApiPath(path.join(API_DIR, 'files', '[...rest]', 'route.ts'))).toThrow(/catch-all/);
  });
});

describe("openapi.json is generated from the routes' zod schemas", () => {
  it('the committed file is what the generator writes (npm -w web run contracts rewrites it)', async () => {
    await expect(await openApiText()).toMatchFileSnapshot(COMMITTED);
  });

  it('every request body and parameter agrees with the zod schema its route validates with', async () => {
    const contracts = await routeContracts();
    expect(contracts.filter((c) => c.body).length).toBeGreaterThan(25);
    const problems: string[] = [];
    for (const c of contracts) {
      const pathItem = doc.paths[c.path] as Obj;
      const op = pathItem[c.method.toLowerCase()] as Obj;
      const params = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map(deref);
      for (const [where, part] of [
        ['path', c.params],
        ['query', c.query],
      ] as const) {
        if (!part) continue;
        const shape = inputSchema(part.schema);
        const documented = params.filter((p) => p.in === where);
        if (
          !sameSet(
            Object.keys(shape.properties),
            documented.map((p) => p.name),
          )
        )
          problems.push(`${c.method} ${c.path}: ${where} parameters differ from ${part.name}`);
        for (const p of documented) {
          if (!isDeepEqual(p.schema, shape.properties[p.name]))
            problems.push(`${c.method} ${c.path}: ${where} parameter ${p.name} differs from ${part.name}`);
          if (where === 'query' && p.required !== (shape.required ?? []).includes(p.name))
            problems.push(`${c.method} ${c.path}: ${p.name} required differs from ${part.name}`);
        }
      }
      if (c.body) {
        const media = deref(op.requestBody ?? {}).content?.['application/json'];
        if (!media) problems.push(`${c.method} ${c.path}: reads ${c.body.name} but documents no JSON body`);
        else if (!isDeepEqual(withoutProse(resolveRefs(media.schema)), withoutProse(inputSchema(c.body.schema))))
          problems.push(`${c.method} ${c.path}: request body differs from ${c.body.name}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every documented JSON body, query and path parameter comes from a zod schema', async () => {
    // The span import takes a file (our JSON, CSV or a Label Studio export) as raw bytes: any JSON.
    const FILE_UPLOADS = ['POST /api/annotations/import'];
    const contracts = await routeContracts();
    const handWritten: string[] = [];
    for (const { name, pathItem, op } of operations()) {
      const c = contracts.find((x) => `${x.method} ${x.path}` === name);
      const params = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])].map(deref);
      if (deref(op.requestBody ?? {}).content?.['application/json'] && !c?.body && !FILE_UPLOADS.includes(name))
        handWritten.push(`${name}: JSON body`);
      if (params.some((p) => p.in === 'query') && !c?.query) handWritten.push(`${name}: query`);
      if (params.some((p) => p.in === 'path') && !c?.params) handWritten.push(`${name}: path`);
    }
    expect(handWritten).toEqual([]);
  });

  it('every response body comes from a declared zod schema: described.json holds none', () => {
    const handWritten = Object.entries(described.paths as Obj).flatMap(([p, item]) =>
      Object.entries(item as Obj)
        .filter(([k]) => OPERATION_KEYS.includes(k))
        .flatMap(([k, op]) =>
          Object.entries((op as Obj).responses as Obj)
            .filter(([, r]) => (r as Obj).content)
            .map(([status]) => `${k.toUpperCase()} ${p} ${status}`),
        ),
    );
    expect(handWritten).toEqual([]);
  });

  it('documents what a client may send: the schema a hand-written parser names, not `{}`', async () => {
    const predict = (await routeContracts()).find((c) => c.path === '/api/predict' && c.method === 'POST');
    const body = resolveRefs(deref(doc.paths['/api/predict'].post.requestBody).content['application/json'].schema);
    expect(documentedInput(predict!.body!.schema)).toBeDefined();
    expect(body.anyOf.map((form: Obj) => Object.keys(form.properties).sort())).toEqual([
      ['candles', 'options'],
      ['datasetId', 'from', 'options', 'to'],
    ]);
  });
});

describe('openapi.json and the one engine-error map agree', () => {
  it('an engine code named in an error response sits under the status the map gives it', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { name, op } of operations())
      for (const [status, raw] of Object.entries((op.responses ?? {}) as Obj)) {
        if (/^2/.test(status)) continue; // a 2xx may describe per-item errors of a batch
        for (const code of String(deref(raw as Obj).description ?? '').match(/\b[A-Z][A-Z_]{3,}\b/g) ?? []) {
          if (!isEngineErrorCode(code)) continue;
          checked++;
          if (String(ENGINE_ERROR_HTTP[code].status) !== status)
            problems.push(`${name}: ${code} is documented as ${status}, answered as ${ENGINE_ERROR_HTTP[code].status}`);
        }
      }
    expect(checked).toBeGreaterThan(20);
    expect(problems).toEqual([]);
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
      for (const d of declared)
        if (!templated.includes(d.name)) problems.push(`${name}: path parameter ${d.name} is not in the path`);
    }
    expect(problems).toEqual([]);
  });

  it('operations are well formed: unique operationIds, parameters, request bodies and responses', () => {
    const problems: string[] = [];
    const ids = new Map<string, string>();
    for (const { name, pathItem, op } of operations()) {
      if (typeof op.operationId !== 'string') problems.push(`${name}: no operationId`);
      else if (ids.has(op.operationId))
        problems.push(`${name}: operationId ${op.operationId} is also used by ${ids.get(op.operationId)}`);
      else ids.set(op.operationId, name);

      const opParams = (op.parameters ?? []).map(deref);
      const seen = new Set<string>();
      for (const p of [...(pathItem.parameters ?? []).map(deref), ...opParams]) {
        if (!['query', 'header', 'path', 'cookie'].includes(p.in))
          problems.push(`${name}: parameter ${p.name} has in: ${p.in}`);
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
        for (const [type, media] of Object.entries((r?.content ?? {}) as Obj))
          if (!('schema' in media)) problems.push(`${name} ${code} ${type}: no schema`);
      }
    }
    expect(problems).toEqual([]);
  });
});
