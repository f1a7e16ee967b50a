// Accounts from the dashboard (#17), over real HTTP: only an owner manages
// them, the rules match the CLI's, and the shop can never lose its last owner.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, caller, login } from '../../support/dashboard.js';
import { TestShop } from '../../support/shop.js';

let shop: TestShop;
let base: string;

beforeEach(async () => {
  shop = await TestShop.open();
  base = `http://127.0.0.1:${shop.hub.httpPort}`;
  await shop.addUser('olga', 'owner', PASSWORD);
  await shop.addUser('mia', 'manager', PASSWORD);
});

afterEach(async () => {
  await shop.close();
});

const session = (username: string, password = PASSWORD) => login(base, username, password);
const call = (cookie: string, method: string, path: string, body?: unknown) => caller(base, cookie)(method, path, body);

describe('accounts from the dashboard', () => {
  it('lets an owner add, re-password, unlock and remove accounts', async () => {
    const olga = await session('olga');
    const added = await call(olga, 'POST', '/api/accounts', { username: 'wall', role: 'viewer', password: PASSWORD });
    expect(added.status).toBe(201);
    expect((added.body as unknown as { username: string; role: string }[]).map((a) => [a.username, a.role])).toEqual([
      ['mia', 'manager'],
      ['olga', 'owner'],
      ['wall', 'viewer'],
    ]);
    expect((await call(olga, 'POST', '/api/accounts', { username: 'wall', role: 'viewer', password: PASSWORD })).body).toMatchObject({ error: { code: 'bad-request', message: 'user "wall" exists already' } });
    expect((await call(olga, 'POST', '/api/accounts', { username: 'x1', role: 'viewer', password: 'short' })).body).toMatchObject({ error: { message: 'the password must have at least 10 characters' } });

    // A new password ends the account's sessions.
    const mia = await session('mia');
    expect((await call(olga, 'PUT', '/api/accounts/mia/password', { password: 'another long password' })).status).toBe(200);
    expect((await call(mia, 'GET', '/api/today')).status).toBe(401);
    await session('mia', 'another long password');

    // Locked by wrong passwords, unlocked by the owner.
    for (let i = 0; i < 5; i++) await fetch(`${base}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'wall', password: 'wrong one!' }) });
    const locked = (await call(olga, 'GET', '/api/accounts')).body as unknown as { username: string; lockedUntil: number | null }[];
    expect(locked.find((a) => a.username === 'wall')!.lockedUntil).not.toBeNull();
    await call(olga, 'POST', '/api/accounts/wall/unlock', {});
    expect(((await call(olga, 'GET', '/api/accounts')).body as unknown as { username: string; lockedUntil: number | null }[]).find((a) => a.username === 'wall')!.lockedUntil).toBeNull();

    expect((await call(olga, 'DELETE', '/api/accounts/wall')).status).toBe(200);
    expect(((await call(olga, 'GET', '/api/accounts')).body as unknown as { username: string }[]).map((a) => a.username)).toEqual(['mia', 'olga']);
  });

  it('never lets an owner remove themselves (so one owner always remains), and lets nobody but an owner in', async () => {
    const olga = await session('olga');
    expect((await call(olga, 'DELETE', '/api/accounts/olga')).body).toMatchObject({ error: { message: 'you cannot remove your own account: another owner can' } });
    await call(olga, 'POST', '/api/accounts', { username: 'ivan', role: 'owner', password: PASSWORD });
    const ivan = await session('ivan');
    expect((await call(ivan, 'DELETE', '/api/accounts/olga')).status).toBe(200);
    expect((await call(ivan, 'DELETE', '/api/accounts/nobody')).body).toMatchObject({ error: { message: 'no user "nobody"' } });

    const mia = await session('mia');
    for (const [method, path, body] of [
      ['GET', '/api/accounts', undefined],
      ['POST', '/api/accounts', { username: 'eve', role: 'owner', password: PASSWORD }],
      ['PUT', '/api/accounts/ivan/password', { password: 'taken over, haha' }],
      ['POST', '/api/accounts/ivan/unlock', {}],
      ['DELETE', '/api/accounts/ivan', undefined],
    ] as const) {
      expect([path, (await call(mia, method, path, body)).status]).toEqual([path, 403]);
    }
  });
});
