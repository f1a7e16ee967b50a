// Dashboard accounts, for an owner: who may log in and as what; add one, set
// a new password (its sessions end), unlock one locked by wrong passwords,
// remove one. The same rules as `loyalty-hub user …`.
import type { Me } from '../../contract/api-types.js';
import { field, h, replace, table } from './dom.js';
import { jsonRequest, type Api } from './api.js';
import { t } from './i18n.js';

interface Account {
  username: string;
  role: string;
  lockedUntil: number | null;
}

const roles = (): [string, string][] => [
  ['manager', t('manager: incidents, shifts, reports')],
  ['viewer', t('viewer: looks only (wall display)')],
  ['owner', t('owner: everything')],
];
const roleWord = (role: string): string => ({ owner: t('owner'), manager: t('manager'), viewer: t('viewer') })[role] ?? role;

export async function showAccounts(main: HTMLElement, api: Api, me: Me, message?: { text: string; error: boolean }): Promise<void> {
  let accounts: Account[];
  try {
    accounts = await api<Account[]>('/api/accounts');
  } catch (failure) {
    replace(main, h('h1', {}, t('Accounts')), h('p', { class: 'error', role: 'alert' }, (failure as Error).message));
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
  const newRole = h('select', { name: 'role' }, roles().map(([value, text]) => h('option', { value }, text))) as HTMLSelectElement;
  const newPassword = h('input', { name: 'password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' }) as HTMLInputElement;
  const who = h('select', { name: 'who' }, accounts.map((a) => h('option', { value: a.username }, a.username))) as HTMLSelectElement;
  const password = h('input', { name: 'new-password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' }) as HTMLInputElement;
  const now = Date.now();
  replace(
    main,
    h('h1', {}, t('Accounts')),
    message ? h('p', { class: message.error ? 'error' : 'quiet', role: message.error ? 'alert' : 'status' }, message.text) : null,
    table(
      [t('Name'), t('Role'), t('Locked'), ''],
      accounts.map((a) => [
        a.username + (a.username === me.username ? ` (${t('you')})` : ''),
        roleWord(a.role),
        a.lockedUntil && a.lockedUntil > now ? h('button', { type: 'button', 'data-unlock': a.username, onclick: () => void act(() => api(`/api/accounts/${encodeURIComponent(a.username)}/unlock`, jsonRequest('POST', {})), t('{{name}} may log in again', { name: a.username })) }, t('Unlock')) : '',
        a.username === me.username
          ? ''
          : h(
              'button',
              {
                type: 'button',
                'data-remove': a.username,
                onclick: () => {
                  if (confirm(t('Remove {{name}}? Their sessions end at once.', { name: a.username }))) void act(() => api(`/api/accounts/${encodeURIComponent(a.username)}`, jsonRequest('DELETE', {})), t('{{name}} removed', { name: a.username }));
                },
              },
              t('Remove'),
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
          void act(() => api('/api/accounts', jsonRequest('POST', { username: newName.value.trim(), role: newRole.value, password: newPassword.value })), t('{{name}} added', { name: newName.value.trim() }));
        },
      },
      h('h2', {}, t('Add an account')),
      field(t('Name (a-z, 0-9, . _ -)'), newName),
      field(t('Role'), newRole),
      field(t('Password (at least 10 characters)'), newPassword),
      h('button', { type: 'submit', class: 'primary' }, t('Add')),
    ),
    h(
      'form',
      {
        class: 'act',
        id: 'set-password',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void act(() => api(`/api/accounts/${encodeURIComponent(who.value)}/password`, jsonRequest('PUT', { password: password.value })), t('new password set for {{name}}; their sessions ended', { name: who.value }));
        },
      },
      h('h2', {}, t('Set a new password')),
      field(t('Account'), who),
      field(t('New password'), password),
      h('button', { type: 'submit' }, t('Set password')),
    ),
  );
}
