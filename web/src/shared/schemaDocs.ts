import type { core } from 'zod';

/**
 * Documentation metadata for zod schemas that parse `unknown` by hand (a `transform` that checks
 * and converts in one pass, or picks one of several forms): JSON Schema cannot see through a
 * transform, so such a schema names the plain zod schema that says what it accepts. The OpenAPI
 * generator (server/openapi/generate.ts) documents the request with that one instead.
 */
const documentedInputs = new WeakMap<object, core.$ZodType>();

/** `schema`, documented in the OpenAPI document as accepting what `input` accepts. */
export function documentedAs<T extends core.$ZodType>(schema: T, input: core.$ZodType): T {
  documentedInputs.set(schema, input);
  return schema;
}

/** The schema that documents what `schema` accepts, when it parses by hand. */
export function documentedInput(schema: object): core.$ZodType | undefined {
  return documentedInputs.get(schema);
}

const queryReaders = new WeakMap<object, core.$ZodType>();

/**
 * `reader`, a function that reads a request's query string (`URLSearchParams`) with `schema`
 * where `readQuery` cannot (a parameter that may repeat): the OpenAPI generator documents a
 * route's query parameters from `schema` when the route calls `reader(….searchParams)`.
 */
export function readsQueryWith<F extends (params: URLSearchParams) => unknown>(reader: F, schema: core.$ZodType): F {
  queryReaders.set(reader, schema);
  return reader;
}

/** The schema a query reader applies (see `readsQueryWith`). */
export function queryReaderSchema(reader: unknown): core.$ZodType | undefined {
  return typeof reader === 'function' ? queryReaders.get(reader) : undefined;
}
