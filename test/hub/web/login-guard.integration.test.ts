// Issue #14.2 and #14.3: password guessing is limited however the guesses
// arrive, and a stranger's guessing does not lock the owner out.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestShop } from '../../support/shop.js';

const PASSWORD = 'correct horse battery';
let shop: TestShop;
let base: string;

beforeEach(async () => {
  shop = await TestShop.open();
  base = `http://127.0.0.1:${shop.hub.httpPort}`;
  await shop.addUser('olga', 'owner', PASSWORD);
});
afterEach(async () => {
  await shop.close();
});

async function login(password: string, cookie = ''): Promise<{ status: number; setCookie: string[] }> {
  const response = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ username: 'olga', password }),
  });
  await response.arrayBuffer();
  return { status: response.status, setCookie: response.headers.getSetCookie() };
}

describe('login guard', () => {
  it('evaluates at most 5 guesses per account per window, even 40 at once', async () => {
    const statuses = await Promise.all(Array.from({ length: 40 }, () => login('wrong password').then((r) => r.status)));
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(35);
    expect((await login(PASSWORD)).status).toBe(429); // a new client must wait, even with the right password
  });

  it("lets the owner in from a browser that logged in before while a stranger's guesses are throttled", async () => {
    const first = await login(PASSWORD);
    expect(first.status).toBe(200);
    const trusted = first.setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('lb_client='));
    expect(trusted, 'a trusted-client cookie at login').toBeDefined();
    for (let i = 0; i < 12; i++) await login('a stranger guessing'); // from the same address: loopback
    expect((await login(PASSWORD)).status).toBe(429); // the stranger is throttled…
    expect((await login(PASSWORD, trusted)).status).toBe(200); // …the owner's own browser is not
  });

  it('unlocks an account from the command line', async () => {
    for (let i = 0; i < 6; i++) await login('wrong password');
    expect((await login(PASSWORD)).status).toBe(429);
    await shop.unlockUser('olga');
    expect((await login(PASSWORD)).status).toBe(200);
  });
});
