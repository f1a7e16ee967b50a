// A dashboard user over real HTTP: log in, then call the API with the session.
// State changes are JSON, even a DELETE (hub/web/plugins/same-site-json.ts): it sends {}.

export const PASSWORD = 'correct horse battery';

export type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> & { error?: { code: string; message: string } } }>;

/** Logs in on the hub at `base` ("http://127.0.0.1:port") and returns the session cookie. */
export async function login(base: string, username: string, password = PASSWORD): Promise<string> {
  const response = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

/** Calls the API with a session cookie; the answer's status and JSON body. */
export function caller(base: string, cookie: string): Call {
  return async (method, path, body) => {
    const payload = body === undefined && method !== 'GET' ? {} : body;
    const response = await fetch(`${base}${path}`, { method, headers: { cookie, 'Content-Type': 'application/json' }, body: payload === undefined ? undefined : JSON.stringify(payload) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}

/** Logs in and returns the caller. */
export async function as(base: string, username: string): Promise<Call> {
  return caller(base, await login(base, username));
}
