import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z, type core, type ZodType } from 'zod';
import { errorBodySchema } from '@/server/http/handler';
import { documentedInput, queryReaderSchema } from '@/shared/schemaDocs';
import described from './described.json';

/**
 * The generator of the OpenAPI 3.1 document (web/docs/openapi.json, served at GET /api/openapi).
 *
 * A route's contract has one source: the zod schemas its handlers pass to `readJson`, `readQuery`
 * and `readParams` (what it accepts) and to `reply` / `replyMedia` (what it answers, by status and
 * content type; server/http/handler.ts). This module finds those calls in every
 * `src/app/api/**\/route.ts`, per exported method, resolves each schema through the route's
 * imports, and writes request bodies, parameters (`z.toJSONSchema`, input side) and responses
 * (output side; a schema named with `.meta({ id })` is a component). Every error answers the one
 * `errorBodySchema`. `described.json` holds only what zod cannot say: summaries, tags, prose of
 * the request bodies (overlaid by property name), and each response's description (for errors:
 * the codes a status carries).
 *
 * Run by tests/api/openapi.test.ts, which fails when the committed document is stale;
 * `npm -w web run contracts` rewrites it.
 */

// An OpenAPI document is walked and rebuilt as plain JSON; its shape is checked by the tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];

const SRC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const API_DIR = path.join(SRC_DIR, 'app', 'api');

/** What one exported method of a route reads, by the name of the zod schema in the route's source. */
export interface RouteContract {
  file: string;
  method: HttpMethod;
  path: string;
  body?: { name: string; schema: ZodType };
  query?: { name: string; schema: ZodType };
  params?: { name: string; schema: ZodType };
  /** What it answers, by status: `reply(schema, …)` and `replyMedia(declared, …)` calls. */
  replies: DeclaredReply[];
}

/** One status a route answers with, and its body by content type (schema null: opaque text or bytes). */
export interface DeclaredReply {
  status: number;
  name: string;
  content: Record<string, ZodType | null>;
}

/** `src/app/api/datasets/[id]/candles/route.ts` → `/api/datasets/{id}/candles` (Next's folder routing). */
export function openApiPath(file: string): string {
  const segments = path.relative(API_DIR, path.dirname(file)).split(path.sep).filter(Boolean);
  const url = segments
    .filter((s) => !/^\(.*\)$/.test(s)) // route groups are not part of the URL
    .map((s) => {
      if (/^\[\.\.\./.test(s) || /^\[\[/.test(s))
        throw new Error(
          `${file}: catch-all segment ${s} has no OpenAPI equivalent; document it by hand and teach the generator`,
        );
      const dynamic = /^\[(\w+)\]$/.exec(s);
      return dynamic ? `{${dynamic[1]}}` : s;
    });
  return ['/api', ...url].join('/');
}

/** Every `route.ts` under `dir`, sorted. */
export function routeFiles(dir = API_DIR): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return routeFiles(full);
      return entry.name === 'route.ts' ? [full] : [];
    })
    .sort();
}

/** `name → module specifier` for the named imports of a module's source. */
function namedImports(source: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of source.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g))
    for (const part of m[1].split(',')) {
      const [imported, local] = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/);
      if (imported) out.set((local ?? imported).trim(), m[2]);
    }
  return out;
}

/** An `@/…` or relative specifier → the file it names. */
function resolveModule(specifier: string, from: string): string {
  const base = specifier.startsWith('@/')
    ? path.join(SRC_DIR, specifier.slice(2))
    : path.resolve(path.dirname(from), specifier);
  const hit = [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
  if (!hit) throw new Error(`${from}: cannot resolve ${specifier}`);
  return hit;
}

/** The registry id of a body documented inline (not as a component). */
const INLINE = 'inline:';

const CALLS = { body: 'readJson', query: 'readQuery', params: 'readParams' } as const;

/** The top-level arguments of the call whose `(` is at `open` in `source` (strings skipped). */
function callArguments(source: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < source.length; i++) {
    const ch = source[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      for (i++; i < source.length && source[i] !== ch; i++) if (source[i] === '\\') i++;
    } else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      depth--;
      if (depth === 0) {
        args.push(source.slice(start, i).trim());
        return args.filter(Boolean);
      }
    } else if (ch === ',' && depth === 1) {
      args.push(source.slice(start, i).trim());
      start = i + 1;
    }
  }
  throw new Error(`unterminated call at ${open}`);
}

/** The value a route imports under `name`, from the module that exports it. */
async function importedValue(file: string, imports: Map<string, string>, name: string): Promise<unknown> {
  const specifier = imports.get(name);
  if (!specifier || !/^\w+$/.test(name)) throw new Error(`${file}: ${name} must be imported by name`);
  return (await import(resolveModule(specifier, file)))[name] as unknown;
}

/** The responses a route method's source declares with `reply(schema, body, status?)` and `replyMedia(declared, …)`. */
async function declaredReplies(file: string, block: string, imports: Map<string, string>): Promise<DeclaredReply[]> {
  const out: DeclaredReply[] = [];
  for (const m of block.matchAll(/\b(reply|replyMedia)\(/g)) {
    const [name, , status] = callArguments(block, m.index + m[1].length);
    const value = await importedValue(file, imports, name);
    const found: DeclaredReply[] = [];
    if (m[1] === 'reply') {
      if (!(value instanceof z.ZodType)) throw new Error(`${file}: reply(${name}, …) needs a zod schema`);
      const statuses = status ? [...status.matchAll(/\b[1-5]\d\d\b/g)].map((s) => Number(s[0])) : [200];
      if (!statuses.length) throw new Error(`${file}: reply(${name}, …, ${status}) names no literal status`);
      for (const s of statuses) found.push({ status: s, name, content: { 'application/json': value } });
    } else {
      const declared = value as { status?: unknown; content?: Record<string, ZodType | null> };
      if (typeof declared?.status !== 'number' || !declared.content)
        throw new Error(`${file}: replyMedia(${name}, …) needs a MediaReply`);
      found.push({ status: declared.status, name, content: declared.content });
    }
    for (const r of found) {
      const same = out.find((o) => o.status === r.status);
      if (same && same.name !== r.name)
        throw new Error(`${file}: status ${r.status} is declared by both ${same.name} and ${r.name}`);
      if (!same) out.push(r);
    }
  }
  return out.sort((a, b) => a.status - b.status);
}

/** Every route method with the zod schemas it reads; throws when a call names no importable schema. */
export async function routeContracts(): Promise<RouteContract[]> {
  const out: RouteContract[] = [];
  for (const file of routeFiles()) {
    const source = fs.readFileSync(file, 'utf8');
    const imports = namedImports(source);
    const starts = [...source.matchAll(/^export const (\w+)\s*=/gm)].filter((m) =>
      (HTTP_METHODS as readonly string[]).includes(m[1]),
    );
    for (const [i, m] of starts.entries()) {
      const block = source.slice(m.index, starts[i + 1]?.index ?? source.length);
      const contract: RouteContract = {
        file,
        method: m[1] as HttpMethod,
        path: openApiPath(file),
        replies: await declaredReplies(file, block, imports),
      };
      for (const [part, fn] of Object.entries(CALLS) as Array<[keyof typeof CALLS, string]>) {
        const calls = [...block.matchAll(new RegExp(`\\b${fn}\\(\\s*\\w+\\s*,\\s*([^,)\\s]+)`, 'g'))];
        if (calls.length > 1) throw new Error(`${file} ${m[1]}: ${fn} is called ${calls.length} times`);
        if (!calls.length) continue;
        const name = calls[0][1];
        const specifier = imports.get(name);
        if (!specifier || !/^\w+$/.test(name))
          throw new Error(`${file} ${m[1]}: ${fn} must be given a zod schema imported by name (got ${name})`);
        const schema = (await import(resolveModule(specifier, file)))[name] as unknown;
        if (!(schema instanceof z.ZodType)) throw new Error(`${file}: ${name} from ${specifier} is not a zod schema`);
        contract[part] = { name, schema };
      }
      // A query string read by a helper (a parameter that may repeat) rather than readQuery.
      for (const [, name] of block.matchAll(/\b(\w+)\(\s*new URL\(\s*request\.url\s*\)\.searchParams\s*\)/g)) {
        const specifier = imports.get(name);
        const reader: unknown = specifier ? (await import(resolveModule(specifier, file)))[name] : undefined;
        const schema = queryReaderSchema(reader);
        if (!schema || contract.query)
          throw new Error(
            `${file} ${m[1]}: ${name} reads the query string without a documented schema (readsQueryWith)`,
          );
        contract.query = { name, schema: schema as ZodType };
      }
      out.push(contract);
    }
  }
  return out;
}

/**
 * Input side (what a client may send), 2020-12 as OpenAPI 3.1 reads it; a schema that parses by
 * hand is documented by the schema it names (shared/schemaDocs.ts).
 */
const JSON_SCHEMA_OPTIONS = {
  io: 'input',
  target: 'draft-2020-12',
  unrepresentable: 'any',
  override: ({ zodSchema, jsonSchema: out }) => {
    const input = documentedInput(zodSchema);
    if (!input) return;
    for (const key of Object.keys(out)) delete (out as Obj)[key];
    Object.assign(out, inputJsonSchema(input));
  },
} satisfies Parameters<typeof z.toJSONSchema>[1];

/** The input-side JSON Schema of a zod schema, without `$schema`. */
export function inputJsonSchema(schema: core.$ZodType): Obj {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS) as Obj;
  return rest;
}

/** Copies the prose (`description`) of `prose` onto `schema` where the same property path exists. */
function overlayDescriptions(schema: Obj, prose: Obj | undefined): Obj {
  if (!prose || typeof prose !== 'object') return schema;
  const out: Obj = { ...schema };
  if (typeof prose.description === 'string') out.description = prose.description;
  if (prose.properties && out.properties)
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Obj).map(([k, v]) => [k, overlayDescriptions(v as Obj, prose.properties[k])]),
    );
  if (prose.items && out.items) out.items = overlayDescriptions(out.items as Obj, prose.items);
  return out;
}

/** Query or path parameters from an object schema, with the prose of the described ones. */
function parameters(where: 'query' | 'path', source: { name: string; schema: ZodType }, prose: Obj[]): Obj[] {
  const json = inputJsonSchema(source.schema);
  if (json.type !== 'object' || !json.properties)
    throw new Error(`${source.name}: ${where} parameters must be a zod object`);
  const required = new Set<string>(json.required ?? []);
  return Object.entries(json.properties as Obj).map(([name, schema]) => {
    // The prose of a described parameter (description, style, explode…); zod owns the rest.
    const {
      name: _name,
      in: _in,
      required: _required,
      schema: _schema,
      ...described
    } = prose.find((p) => p.in === where && p.name === name) ?? {};
    return { name, in: where, required: where === 'path' || required.has(name), schema, ...described };
  });
}

const stableKeys = (pathItem: Obj): Obj => {
  // Path-level parameters first, then operations in HTTP order, as the document always listed them.
  const order = ['parameters', ...HTTP_METHODS.map((m) => m.toLowerCase())];
  return Object.fromEntries(
    Object.entries(pathItem).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b) || a.localeCompare(b)),
  );
};

/**
 * Output side (what a server answers). A schema named with `.meta({ id })` becomes a component and
 * every use of it a `$ref`; one id names one schema.
 */
function outputSchemas(components: Obj): (schema: ZodType) => Obj {
  const owners = new Map<string, string>();
  return (schema) => {
    const {
      $schema: _dialect,
      $defs,
      ...root
    } = z.toJSONSchema(schema, {
      io: 'output',
      target: 'draft-2020-12',
      unrepresentable: 'any',
    }) as Obj;
    const local = (node: Obj): Obj =>
      JSON.parse(JSON.stringify(node).replaceAll('"#/$defs/', '"#/components/schemas/')) as Obj;
    for (const [id, def] of Object.entries(($defs ?? {}) as Obj)) {
      const text = JSON.stringify(local(def as Obj));
      if (owners.has(id) && owners.get(id) !== text) throw new Error(`two different schemas are named ${id}`);
      owners.set(id, text);
      components[id] = JSON.parse(text);
    }
    return local(root);
  };
}

/**
 * An operation's responses: the described ones (descriptions, errors) with every success status
 * the route declares, its body generated; a described success the route never answers is an error.
 */
function documentedReplies(
  name: string,
  described: Obj,
  replies: DeclaredReply[],
  output: (schema: ZodType) => Obj,
): Obj {
  const responses: Obj = {};
  for (const [status, response] of Object.entries(described)) {
    const declared = replies.find((r) => String(r.status) === status);
    if (!declared && Number(status) < 400)
      throw new Error(`${name}: described.json documents ${status}, which the route never answers`);
    if (!declared) {
      responses[status] = response;
      continue;
    }
    if (response.content)
      throw new Error(`${name} ${status}: the route declares this body; take it out of described.json`);
    responses[status] = {
      ...response,
      content: Object.fromEntries(
        Object.entries(declared.content).map(([type, schema]) => [
          type,
          { schema: schema ? output(schema) : { type: 'string' } },
        ]),
      ),
    };
  }
  for (const r of replies)
    if (!(String(r.status) in described))
      throw new Error(`${name}: ${r.status} (${r.name}) needs a description in described.json`);
  return responses;
}

/** The whole document: described.json with every request part and response generated from the routes' zod schemas. */
export async function generateOpenApi(): Promise<Obj> {
  const doc = structuredClone(described) as Obj;
  const components: Obj = doc.components.schemas;
  const contracts = await routeContracts();
  const registry = z.registry<{ id: string }>();
  const bodies: Array<{ id: string; media: Obj; prose: Obj | undefined }> = [];

  for (const c of contracts) {
    const pathItem: Obj = (doc.paths[c.path] ??= {});
    const op: Obj = pathItem[c.method.toLowerCase()];
    if (!op) throw new Error(`described.json has no ${c.method} ${c.path}: describe it (summary, responses)`);
    const prose: Obj[] = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])];

    if (c.params) {
      pathItem.parameters = parameters('path', c.params, prose);
      op.parameters = (op.parameters ?? []).filter((p: Obj) => p.in !== 'path');
    }
    if (c.query)
      op.parameters = [
        ...(op.parameters ?? []).filter((p: Obj) => p.in !== 'query'),
        ...parameters('query', c.query, prose),
      ];
    if (op.parameters?.length === 0) delete op.parameters;

    if (c.body) {
      const body: Obj = (op.requestBody ??= { required: true, content: {} });
      const media: Obj = (body.content['application/json'] ??= {});
      // A body described as a component keeps that name; its content is the zod schema's.
      const ref = media.schema?.$ref;
      const id: string = typeof ref === 'string' ? ref.split('/').pop()! : `${INLINE}${c.method}${c.path}`;
      const known = registry.get(c.body.schema)?.id;
      if (known && known !== id && !id.startsWith(INLINE))
        throw new Error(`${c.body.name} is described as both ${known} and ${id}`);
      if (!known) registry.add(c.body.schema, { id });
      const prose = id.startsWith(INLINE) ? media.schema : components[id];
      bodies.push({ id: known ?? id, media, prose });
    }
  }

  // Every body in one registry, so a schema used inside another is a $ref to its component.
  const uri = (id: string) => `#/components/schemas/${id}`;
  const generated = z.toJSONSchema(registry, { ...JSON_SCHEMA_OPTIONS, uri }).schemas as Obj;
  const clean = (id: string): Obj => {
    const { $schema: _dialect, $id: _id, ...rest } = generated[id] as Obj;
    return rest;
  };
  for (const { id, media, prose } of bodies) {
    if (id.startsWith(INLINE)) media.schema = overlayDescriptions(clean(id), prose);
    else {
      components[id] = overlayDescriptions(clean(id), prose);
      media.schema = { $ref: uri(id) };
    }
  }
  const output = outputSchemas(components);
  for (const c of contracts) {
    const op: Obj = doc.paths[c.path][c.method.toLowerCase()];
    const name = `${c.method} ${c.path}`;
    if (!c.replies.length)
      throw new Error(`${name} declares no response: answer with reply(schema, …) or replyMedia(…)`);
    op.responses = documentedReplies(name, op.responses ?? {}, c.replies, output);
  }
  const error = output(errorBodySchema);
  for (const item of Object.values(doc.paths as Obj))
    for (const [method, op] of Object.entries(item as Obj)) {
      if (!(HTTP_METHODS as readonly string[]).includes(method.toUpperCase())) continue;
      for (const [status, response] of Object.entries((op as Obj).responses as Obj))
        if (Number(status) >= 400 && !response.content) response.content = { 'application/json': { schema: error } };
    }

  const inlineRef = JSON.stringify(doc).match(new RegExp(`"#/components/schemas/(${INLINE}[^"]*)"`));
  if (inlineRef)
    throw new Error(
      `the body schema of ${inlineRef[1].slice(INLINE.length)} is used inside another: name it in described.json`,
    );

  doc.paths = Object.fromEntries(
    Object.entries(doc.paths as Obj)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([p, item]) => [p, stableKeys(item as Obj)]),
  );
  return doc;
}

/** The document as committed: two-space JSON with a final newline. */
export async function openApiText(): Promise<string> {
  return `${JSON.stringify(await generateOpenApi(), null, 2)}\n`;
}
