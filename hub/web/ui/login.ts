// The login form: JSON to /api/login, then on to the dashboard.
import type { ErrorBody } from '../../contract/api-types.js';

const form = document.getElementById('login') as HTMLFormElement;
const message = document.getElementById('message')!;

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  message.textContent = '';
  const response = await fetch('/api/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify({ username: data.get('username'), password: data.get('password') }),
  });
  if (response.ok) {
    location.href = '/';
    return;
  }
  const body = (await response.json().catch(() => ({}))) as Partial<ErrorBody>;
  message.textContent = body.error?.message ?? `login failed (${response.status})`;
});
