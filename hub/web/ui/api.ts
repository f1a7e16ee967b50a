// Talking to the hub's API from the page: one way to call it (a lost session
// goes back to the login page, an error answer becomes its message) and one
// way to send JSON (state changes are JSON only, hub/web/plugins/same-site-json.ts).
import type { ErrorBody } from '../../contract/api-types.js';
import { pageLanguage } from './i18n.js';

export type Api = <T>(path: string, init?: RequestInit) => Promise<T>;

export const api: Api = async <T>(path: string, init?: RequestInit): Promise<T> => {
  // The hub answers errors and its own sentences (alarms, the summary) in the page's language.
  const headers = new Headers(init?.headers);
  headers.set('Accept-Language', pageLanguage());
  const response = await fetch(path, { credentials: 'same-origin', ...init, headers });
  if (response.status === 401) {
    location.href = '/login';
    throw new Error('not logged in');
  }
  const body = await response.json();
  if (!response.ok) throw new Error((body as ErrorBody).error?.message ?? response.statusText);
  return body as T;
};

/** A request sending `body` as JSON ({} when there is none: even a DELETE is JSON). */
export function jsonRequest(method: string, body: unknown = {}): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}
