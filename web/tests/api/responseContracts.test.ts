import { describe, expect, it } from 'vitest';
import { routeContracts } from '@/server/openapi/generate';
import { checkDeclaredResponse } from '../support/routeHarness';

/**
 * Every route test calls handlers through tests/support/routeHarness.ts, which parses each
 * response of a documented route with the schema the route declares (reply / replyMedia). These
 * cases show that check refusing what a handler must not answer.
 */

const label = { id: 1, projectId: 1, name: 'flag', color: '#aabbcc', hotkey: null, description: '', spanCount: 0 };
const stamped = { ...label, createdAt: 1, updatedAt: 1 };
const check = (status: number, body: unknown, type = 'application/json') =>
  checkDeclaredResponse('GET', 'http://localhost/api/labels/7', status, type, JSON.stringify(body));

describe('a route answers what it declares', () => {
  it('every route method declares at least one success response', async () => {
    const undeclared = (await routeContracts()).filter((c) => !c.replies.some((r) => r.status < 300));
    expect(undeclared.map((c) => `${c.method} ${c.path}`)).toEqual([]);
  });

  it('accepts a body that matches the declared schema', async () => {
    await expect(check(200, { label: stamped })).resolves.toBeUndefined();
    await expect(check(404, { error: { code: 'NOT_FOUND', message: 'No label 7.' } })).resolves.toBeUndefined();
  });

  it('refuses a field of the wrong type', async () => {
    await expect(check(200, { label: { ...stamped, spanCount: '0' } })).rejects.toThrow(
      /GET \/api\/labels\/\{id\} 200 disagrees with its declared schema.*spanCount/,
    );
  });

  it('refuses a missing field and a field the schema does not name', async () => {
    await expect(check(200, { label })).rejects.toThrow(/createdAt/);
    await expect(check(200, { label: { ...stamped, secret: 'x' } })).rejects.toThrow(/fields its declared schema/);
  });

  it('refuses an undeclared status, content type, or error shape', async () => {
    await expect(check(201, { label: stamped })).rejects.toThrow(/answered 201, which it does not declare/);
    await expect(check(200, 'x', 'text/plain')).rejects.toThrow(/answered text\/plain/);
    await expect(check(400, { message: 'bad' })).rejects.toThrow(/400 disagrees/);
  });
});
