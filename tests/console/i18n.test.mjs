// Tests of the console's dictionaries (src/Lifeline.Server/wwwroot/js/i18n.js): both languages say everything, lookups
// fill placeholders, and registry names follow the language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { DICTIONARIES, LANGUAGES, DEFAULT_LANGUAGE, translate, assetName, normalizeLanguage } from '../../src/Lifeline.Server/wwwroot/js/i18n.js';

const root = new URL('../../src/Lifeline.Server/wwwroot/', import.meta.url);

test('Chinese is the default and both languages have exactly the same keys, none empty', () => {
  assert.equal(DEFAULT_LANGUAGE, 'zh-CN');
  assert.deepEqual(LANGUAGES, ['zh-CN', 'en']);
  const zh = Object.keys(DICTIONARIES['zh-CN']).sort();
  const en = Object.keys(DICTIONARIES.en).sort();
  assert.deepEqual(zh.filter(k => !en.includes(k)), [], 'keys only in Chinese');
  assert.deepEqual(en.filter(k => !zh.includes(k)), [], 'keys only in English');
  for (const language of LANGUAGES) {
    for (const [key, text] of Object.entries(DICTIONARIES[language])) assert.ok(text.trim().length > 0, `${language} ${key}`);
  }
});

test('placeholders are filled, and a missing key falls back to English, then to the key', () => {
  assert.equal(translate('en', 'alarms.count', { shown: 3, total: 7 }), '3 of 7');
  assert.equal(translate('zh-CN', 'alarms.count', { shown: 3, total: 7 }), '3 / 7 条');
  assert.equal(translate('zh-CN', 'priority.Critical'), '紧急');
  assert.equal(translate('en', 'state.shelvedUntil', {}), 'shelved until {time}', 'a missing parameter stays visible');
  assert.equal(translate('zh-CN', 'no.such.key'), 'no.such.key');
  assert.equal(translate('fr', 'alarms.title'), 'Alarms');
});

test('a placeholder in one language is also in the other', () => {
  const names = text => [...text.matchAll(/\{(\w+)\}/g)].map(m => m[1]).sort();
  for (const key of Object.keys(DICTIONARIES.en)) {
    assert.deepEqual(names(DICTIONARIES['zh-CN'][key]), names(DICTIONARIES.en[key]), key);
  }
});

test('stored or browser language values map to a supported language', () => {
  assert.equal(normalizeLanguage('en'), 'en');
  assert.equal(normalizeLanguage('en-GB'), 'en');
  assert.equal(normalizeLanguage('zh'), 'zh-CN');
  assert.equal(normalizeLanguage('zh-TW'), 'zh-CN');
  assert.equal(normalizeLanguage(null), 'zh-CN');
  assert.equal(normalizeLanguage('de'), 'zh-CN');
});

test('registry names: Chinese where the registry has one, else the English name, else the id', () => {
  const site = { id: 'yongchang-rd', name: 'Yongchang Road', nameZh: '永昌路' };
  assert.equal(assetName('zh-CN', site), '永昌路');
  assert.equal(assetName('en', site), 'Yongchang Road');
  assert.equal(assetName('zh-CN', { id: 'x', name: 'Only English' }), 'Only English');
  assert.equal(assetName('en', { id: 'x', nameZh: '只有中文' }), '只有中文');
  assert.equal(assetName('en', { id: 'x' }), 'x');
  assert.equal(assetName('en', null), '');
});

test('every key the pages and modules use is in the dictionaries', () => {
  const used = new Set();
  for (const page of ['index.html', 'login.html']) {
    for (const m of readFileSync(new URL(page, root), 'utf8').matchAll(/data-i18n(?:-title|-placeholder)?="([^"]+)"/g)) used.add(m[1]);
  }
  for (const file of readdirSync(new URL('js/', root))) {
    for (const m of readFileSync(new URL(`js/${file}`, root), 'utf8').matchAll(/\bt\('([a-zA-Z]+\.[\w.]+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size > 40, `found ${used.size} keys`);
  const missing = [...used].filter(k => !(k in DICTIONARIES.en) || !(k in DICTIONARIES['zh-CN']));
  assert.deepEqual(missing, []);
});
