// Tests of the console's sign-in helpers (src/Lifeline.Server/wwwroot/js/session.js): after signing in, the login
// page only ever returns to a path of this server (no open redirect).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeReturnPath, loginUrl, canOperate, LOGIN_PAGE } from '../../src/Lifeline.Server/wwwroot/js/session.js';

test('a path of this server is kept, with its query and hash', () => {
  assert.equal(safeReturnPath('/'), '/');
  assert.equal(safeReturnPath('/index.html#device=yongchang-rd-trunk-gas-z003-ctl'), '/index.html#device=yongchang-rd-trunk-gas-z003-ctl');
  assert.equal(safeReturnPath('/?a=1'), '/?a=1');
});

test('anything that could leave the server falls back', () => {
  for (const value of [null, undefined, '', 'index.html', 'https://evil.example/', '//evil.example/x', '/\\evil.example',
    'javascript:alert(1)', '/\u0000x', '/a\nb', ' /x', '/x'.padEnd(3000, 'x')]) {
    assert.equal(safeReturnPath(value), '/', String(value));
  }
  assert.equal(safeReturnPath('//evil', '/index.html'), '/index.html');
});

test('the login page never returns to itself', () => {
  assert.equal(safeReturnPath(LOGIN_PAGE), '/');
  assert.equal(safeReturnPath(`${LOGIN_PAGE}?return=/x`), '/');
});

test('loginUrl carries the current location back, encoded', () => {
  assert.equal(loginUrl({ pathname: '/', search: '', hash: '' }), LOGIN_PAGE);
  assert.equal(loginUrl({ pathname: '/', search: '', hash: '#device=a b' }), `${LOGIN_PAGE}?return=${encodeURIComponent('/#device=a b')}`);
  assert.equal(loginUrl(undefined), LOGIN_PAGE);
  // A return parameter read back with URLSearchParams is the same path.
  const url = new URL(loginUrl({ pathname: '/index.html', search: '?x=1&y=2', hash: '#device=d1' }), 'http://console');
  assert.equal(safeReturnPath(url.searchParams.get('return')), '/index.html?x=1&y=2#device=d1');
});

test('only operators and above operate', () => {
  assert.equal(canOperate('viewer'), false);
  assert.equal(canOperate(undefined), false);
  for (const role of ['operator', 'engineer', 'admin']) assert.equal(canOperate(role), true);
});
