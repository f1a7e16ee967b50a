// The login form: JSON to /api/login, then on to the dashboard.
import type { ErrorBody } from '../../contract/api-types.js';
import { loadLanguage, languagePicker, pageLanguage, t } from './i18n.js';

const form = document.getElementById('login') as HTMLFormElement;
const message = document.getElementById('message')!;

/** The static form (login.html) is English: its words in the page's language, and a language picker. */
void loadLanguage().then(() => {
  document.title = `${t('Log in')} · ${t('Loyalty button')}`;
  for (const element of form.querySelectorAll('label')) element.firstChild!.textContent = `${t(element.firstChild!.textContent!.trim())} `;
  form.querySelector('button')!.textContent = t('Log in');
  form.after(languagePicker());
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  message.textContent = '';
  const response = await fetch('/api/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Accept-Language': pageLanguage() },
    credentials: 'same-origin',
    body: JSON.stringify({ username: data.get('username'), password: data.get('password') }),
  });
  if (response.ok) {
    location.href = '/';
    return;
  }
  const body = (await response.json().catch(() => ({}))) as Partial<ErrorBody>;
  message.textContent = body.error?.message ?? t('login failed ({{status}})', { status: response.status });
});
