// Lifeline console sign-in: POST /api/auth/login sets the session cookie, then back to where the operator was.
import { safeReturnPath } from './session.js';

const form = document.getElementById('login-form');
const user = document.getElementById('login-user');
const password = document.getElementById('login-password');
const button = document.getElementById('login-submit');
const message = document.getElementById('login-error');
const target = safeReturnPath(new URLSearchParams(location.search).get('return'));

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
    message.textContent = response.status === 401 ? 'Wrong user name or password.'
      : response.status === 429 ? 'Too many attempts: wait a minute, then try again.'
      : `Sign-in failed (HTTP ${response.status}).`;
    password.value = '';
    password.focus();
  } catch (err) {
    message.textContent = 'No connection to the server.';
  } finally {
    button.disabled = false;
  }
});

user.focus();
