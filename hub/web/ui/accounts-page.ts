// Dashboard accounts, for an owner: who may log in and as what; add one, set
// a new password (its sessions end), unlock one locked by wrong passwords,
// remove one. The same rules as `loyalty-hub user …`.
import type { Me } from '../../contract/api-types.js';
import { field, h, replace, table } from './dom.js';
import { jsonRequest, type Api } from './api.js';

interface Account {
  username: string;
  role: string;
  lockedUntil: number | null;
}

const ROLES: [string, string][] = [
  ['manager', 'manager: incidents, shifts, reports'],
  ['viewer', 'viewer: looks only (wall display)'],
  ['owner', 'owner: everything'],
];

export async function showAccounts(main: HTMLElement, api: Api, me: Me, message?: { text: string; error: boolean }): Promise<void> {
  let accounts: Account[];
  try {
    accounts = await api<Account[]>('/api/accounts');
  } catch (failure) {
    replace(main, h('h1', {}, 'Accounts'), h('p', { class: 'error', role: 'alert' }, (failure as Error).message));
    return;
  }
  const act = async (init: () => Promise<unknown>, done: string) => {
    try {
      await init();
      await showAccounts(main, api, me, { text: done, error: false });
    } catch (failure) {
      await showAccounts(main, api, me, { text: (failure as Error).message, error: true });
    }
  };
  const newName = h('input', { name: 'username', required: true, maxlength: 32, autocomplete: 'off' }) as HTMLInputElement;
  const newRole = h('select', { name: 'role' }, ROLES.map(([value, text]) => h('option', { value }, text))) as HTMLSelectElement;
  const newPassword = h('input', { name: 'password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' }) as HTMLInputElement;
  const who = h('select', { name: 'who' }, accounts.map((a) => h('option', { value: a.username }, a.username))) as HTMLSelectElement;
  const password = h('input', { name: 'new-password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' }) as HTMLInputElement;
  const now = Date.now();
  replace(
    main,
    h('h1', {}, 'Accounts'),
    message ? h('p', { class: message.error ? 'error' : 'quiet', role: message.error ? 'alert' : 'status' }, message.text) : null,
    table(
      ['Name', 'Role', 'Locked', ''],
      accounts.map((a) => [
        a.username + (a.username === me.username ? ' (you)' : ''),
        a.role,
        a.lockedUntil && a.lockedUntil > now ? h('button', { type: 'button', 'data-unlock': a.username, onclick: () => void act(() => api(`/api/accounts/${encodeURIComponent(a.username)}/unlock`, jsonRequest('POST', {})), `${a.username} may log in again`) }, 'Unlock') : '',
        a.username === me.username
          ? ''
          : h(
              'button',
              {
                type: 'button',
                'data-remove': a.username,
                onclick: () => {
                  if (confirm(`Remove ${a.username}? Their sessions end at once.`)) void act(() => api(`/api/accounts/${encodeURIComponent(a.username)}`, jsonRequest('DELETE', {})), `${a.username} removed`);
                },
              },
              'Remove',
            ),
      ]),
    ),
    h(
      'form',
      {
        class: 'act',
        id: 'add-account',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void act(() => api('/api/accounts', jsonRequest('POST', { username: newName.value.trim(), role: newRole.value, password: newPassword.value })), `${newName.value.trim()} added`);
        },
      },
      h('h2', {}, 'Add an account'),
      field('Name (a-z, 0-9, . _ -)', newName),
      field('Role', newRole),
      field('Password (at least 10 characters)', newPassword),
      h('button', { type: 'submit', class: 'primary' }, 'Add'),
    ),
    h(
      'form',
      {
        class: 'act',
        id: 'set-password',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void act(() => api(`/api/accounts/${encodeURIComponent(who.value)}/password`, jsonRequest('PUT', { password: password.value })), `new password set for ${who.value}; their sessions ended`);
        },
      },
      h('h2', {}, 'Set a new password'),
      field('Account', who),
      field('New password', password),
      h('button', { type: 'submit' }, 'Set password'),
    ),
  );
}
