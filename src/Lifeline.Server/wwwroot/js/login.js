// Lifeline console sign-in: POST /api/auth/login sets the session cookie, then back to where the operator was.
import { safeReturnPath } from './session.js';
import { translate, normalizeLanguage } from './i18n.js';

const LANGUAGE_KEY = 'lifeline.language';
let language = normalizeLanguage(localStorage.getItem(LANGUAGE_KEY));
const t = (key, params) => translate(language, key, params);

const form = document.getElementById('login-form');
const user = document.getElementById('login-user');
const password = document.getElementById('login-password');
const button = document.getElementById('login-submit');
const message = document.getElementById('login-error');
const target = safeReturnPath(new URLSearchParams(location.search).get('return'));

function applyTexts() {
  document.documentElement.lang = language;
  document.title = `${t('login.title')} · ${t('app.title')}`;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  document.getElementById('lang').textContent = t('header.language');
}

document.getElementById('lang').addEventListener('click', () => {
  language = language === 'zh-CN' ? 'en' : 'zh-CN';
  localStorage.setItem(LANGUAGE_KEY, language);
  message.textContent = '';
  applyTexts();
});

// Already signed in (e.g. a second tab): go straight on.
fetch('/api/auth/me', { cache: 'no-store' })
  .then(response => { if (response.ok) location.replace(target); })
  .catch(() => {});

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  button.disabled = true;
  message.textContent = '';
  try {
    const response = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: user.value.trim(), password: password.value }),
    });
    if (response.ok) {
      location.replace(target);
      return;
    }
    message.textContent = response.status === 401 ? t('login.wrong')
      : response.status === 429 ? t('login.tooMany')
      : t('login.failed', { status: response.status });
    password.value = '';
    password.focus();
  } catch {
    message.textContent = t('login.offline');
  } finally {
    button.disabled = false;
  }
});

applyTexts();
user.focus();
