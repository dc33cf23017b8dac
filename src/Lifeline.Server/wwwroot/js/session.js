// Sign-in helpers of the console, shared by the login page and the control-room page (no DOM here: tested in node).

export const LOGIN_PAGE = '/login.html';

// Where to go after signing in: only a path on this server. Anything else (another site, '//host', '/\host',
// a scheme, control characters, the login page itself) becomes the fallback.
export function safeReturnPath(value, fallback = '/') {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return fallback;
  if (!value.startsWith('/') || value.startsWith('//')) return fallback;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return fallback;
  if (value === LOGIN_PAGE || value.startsWith(LOGIN_PAGE + '?') || value.startsWith(LOGIN_PAGE + '#')) return fallback;
  return value;
}

// The login page, asked to come back to the given location ({pathname, search, hash}) afterwards.
export function loginUrl(from) {
  const back = from ? `${from.pathname || '/'}${from.search || ''}${from.hash || ''}` : '/';
  const target = safeReturnPath(back);
  return target === '/' ? LOGIN_PAGE : `${LOGIN_PAGE}?return=${encodeURIComponent(target)}`;
}

// Roles that include operating (acknowledge, shelve, command); keep in sync with Accounts/Role.cs.
const OPERATING_ROLES = ['operator', 'engineer', 'admin'];

export function canOperate(role) {
  return OPERATING_ROLES.includes(role);
}
