import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Access, Role } from '@/server/auth/roles';
import document from '../../docs/openapi.json';
import { call, authHeader, createTempDatabase } from '../support/routeHarness';
import { API_DIR, routeFiles } from '../support/routeFiles';

/**
 * Who may call what: every method of every route file under src/app/api, called anonymously and
 * as each role. The table below is the access policy (docs/security.md lists it too); the
 * routes are found on disk, so a new route fails this test until it is entered here, and one
 * whose handler skips the guard fails the anonymous call.
 */
const POLICY: Record<string, Access> = {
  'GET /api/annotations': 'viewer',
  'POST /api/annotations': 'annotator',
  'GET /api/annotations/[id]': 'viewer',
  'PATCH /api/annotations/[id]': 'annotator',
  'DELETE /api/annotations/[id]': 'annotator',
  'POST /api/annotations/bulk': 'annotator',
  'GET /api/annotations/export': 'viewer',
  'POST /api/annotations/import': 'annotator',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'public',
  'POST /api/auth/password': 'viewer',
  'GET /api/auth/session': 'public',
  'GET /api/auth/tokens': 'admin',
  'POST /api/auth/tokens': 'admin',
  'DELETE /api/auth/tokens/[id]': 'admin',
  'GET /api/auth/users': 'admin',
  'POST /api/auth/users': 'admin',
  'PATCH /api/auth/users/[id]': 'admin',
  'GET /api/datasets': 'viewer',
  'POST /api/datasets': 'annotator',
  'GET /api/datasets/[id]': 'viewer',
  'PATCH /api/datasets/[id]': 'annotator',
  'DELETE /api/datasets/[id]': 'admin',
  'GET /api/datasets/[id]/autolabel': 'viewer',
  'POST /api/datasets/[id]/autolabel': 'annotator',
  'DELETE /api/datasets/[id]/autolabel': 'annotator',
  'GET /api/datasets/[id]/candles': 'viewer',
  'GET /api/datasets/[id]/reviewed-regions': 'viewer',
  'POST /api/datasets/[id]/reviewed-regions': 'annotator',
  'DELETE /api/datasets/[id]/reviewed-regions': 'annotator',
  'POST /api/datasets/preview': 'annotator',
  'GET /api/label-errors': 'viewer',
  'POST /api/label-errors': 'annotator',
  'GET /api/label-errors/[id]': 'viewer',
  'POST /api/label-errors/[id]/cancel': 'annotator',
  'POST /api/label-errors/[id]/reviews': 'annotator',
  'GET /api/labels': 'viewer',
  'POST /api/labels': 'annotator',
  'GET /api/labels/[id]': 'viewer',
  'PATCH /api/labels/[id]': 'annotator',
  'DELETE /api/labels/[id]': 'annotator',
  'GET /api/health': 'public',
  'GET /api/ls/health': 'viewer',
  'POST /api/ls/job_status': 'viewer',
  'GET /api/ls/problems': 'viewer',
  'DELETE /api/ls/problems/[id]': 'annotator',
  'POST /api/ls/problems/[id]/retry': 'annotator',
  'POST /api/ls/predict': 'viewer',
  'POST /api/ls/setup': 'annotator',
  'POST /api/ls/train': 'annotator',
  'GET /api/ls/versions': 'viewer',
  'POST /api/ls/webhook': 'annotator',
  'GET /api/model/info': 'viewer',
  'GET /api/model-plot': 'viewer',
  'GET /api/models': 'viewer',
  'GET /api/openapi': 'public',
  'GET /api/patterns': 'viewer',
  'POST /api/predict': 'viewer',
  'POST /api/predict/batch': 'viewer',
  'GET /api/project': 'viewer',
  'PATCH /api/project': 'admin',
  'GET /api/similar': 'viewer',
  'POST /api/similar': 'annotator',
  'GET /api/training': 'viewer',
  'POST /api/training': 'annotator',
  'GET /api/training/[id]': 'viewer',
  'POST /api/training/[id]/cancel': 'annotator',
  'POST /api/training/promote': 'admin',
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const ROLES: Role[] = ['viewer', 'annotator', 'admin'];

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface FoundRoute {
  key: string;
  file: string;
  method: string;
  path: string;
  handler: Handler;
}

async function discover(): Promise<FoundRoute[]> {
  const found: FoundRoute[] = [];
  for (const file of routeFiles(API_DIR)) {
    const apiPath = '/api/' + path.relative(API_DIR, path.dirname(file)).split(path.sep).join('/');
    const exported = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS)
      if (typeof exported[method] === 'function')
        found.push({ key: `${method} ${apiPath}`, file, method, path: apiPath, handler: exported[method] as Handler });
  }
  return found;
}

// No data, no models: every allowed call fails on its own terms (404, 400, 409…), never changes much.
const env = createTempDatabase({ as: null });
const models = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-access-models-'));
process.env.CANDLE_MODELS_DIR = models;
afterAll(() => {
  env.cleanup();
  fs.rmSync(models, { recursive: true, force: true });
});

let routes: FoundRoute[] = [];
const headersOf: Partial<Record<Role, Record<string, string>>> = {};
beforeAll(async () => {
  routes = await discover();
  for (const role of ROLES) headersOf[role] = await authHeader(`matrix-${role}`, role);
});

/** One call with a body no route accepts as valid (strict schemas reject the unknown key). */
function probe(route: FoundRoute, headers: Record<string, string>) {
  const concrete = route.path.replace(/\[(\w+)\]/g, '999999');
  const params = Object.fromEntries([...route.path.matchAll(/\[(\w+)\]/g)].map((m) => [m[1], '999999']));
  const writes = route.method !== 'GET';
  return call(route.handler, route.method, concrete, {
    params,
    headers,
    as: null,
    ...(writes ? { body: { accessProbe: true } } : {}),
  });
}

describe('route access', () => {
  it('every route method is in the policy, and the policy names no route that does not exist', () => {
    const found = routes.map((r) => r.key).sort();
    expect(found).toEqual(Object.keys(POLICY).sort());
  });

  it('the OpenAPI document states the same role for each operation (x-required-role)', () => {
    const paths = (document as unknown as { paths: Record<string, Record<string, { 'x-required-role'?: string }>> })
      .paths;
    for (const [key, access] of Object.entries(POLICY)) {
      const [method, apiPath] = key.split(' ');
      const op = paths[apiPath.replace(/\[(\w+)\]/g, '{$1}')]?.[method.toLowerCase()];
      expect(op?.['x-required-role'], key).toBe(access);
    }
  });

  it('every route handler is wrapped by route(), which runs the guard first', () => {
    for (const file of routeFiles(API_DIR)) {
      const source = fs.readFileSync(file, 'utf8');
      for (const method of METHODS) {
        expect(source, `${file}: ${method} must be \`export const ${method} = route(…)\``).not.toMatch(
          new RegExp(`export\\s+(async\\s+)?function\\s+${method}\\b`),
        );
        if (new RegExp(`export const ${method}\\b`).test(source))
          expect(source, file).toMatch(new RegExp(`export const ${method} = route(<[^>]*>)?\\(`));
      }
    }
  });

  it('anonymous calls: 401 AUTH_REQUIRED everywhere but the public routes', async () => {
    for (const route of routes) {
      const res = await probe(route, {});
      if (POLICY[route.key] === 'public') expect([401, 403], route.key).not.toContain(res.status);
      else {
        expect(res.status, route.key).toBe(401);
        expect(res.body.error.code, route.key).toBe('AUTH_REQUIRED');
        expect(res.headers.get('www-authenticate'), route.key).toMatch(/^Bearer/);
      }
    }
  });

  for (const role of ROLES)
    it(`as ${role}: allowed where the policy allows it, 403 FORBIDDEN elsewhere`, async () => {
      for (const route of routes) {
        const needed = POLICY[route.key];
        const res = await probe(route, headersOf[role]!);
        const allowed = needed === 'public' || ROLES.indexOf(role) >= ROLES.indexOf(needed as Role);
        if (allowed) expect([401, 403], `${route.key} as ${role}: ${res.text}`).not.toContain(res.status);
        else {
          expect(res.status, `${route.key} as ${role}`).toBe(403);
          expect(res.body.error.code, route.key).toBe('FORBIDDEN');
        }
      }
    });
});
