// Lifeline control-room console: network overview, alarms and incidents pushed over SignalR (kept consistent by seq),
// drill-down to zone, device and sensor with trends, and control of fans and pumps.
// Hub method names: keep in sync with Hubs/AlarmHubMethods.cs ('AlarmChanged', 'IncidentChanged', 'CommandChanged').
import 'uplot/dist/uPlot.min.css';
import { AlarmSync } from './alarm-sync.js';
import { IncidentSync } from './incident-sync.js';
import { canOperate, loginUrl } from './session.js';
import {
  PRIORITIES, STATES, sortAlarms, sortIncidents, filterAlarms, narrowFilters, worstByZone, worstByDevice,
  statusClass, allowedActions, shouldSound, isUnacknowledged,
} from './alarm-model.js';
import { indexAssets, tunnelSites, stationSites, splitSensorId } from './assets.js';
import { translate, assetName, normalizeLanguage } from './i18n.js';
import { AlarmTone } from './tone.js';
import { drawTrend, TREND_RANGES } from './trend.js';
import { el, clear, fmtTime, fmtDateTime, fmtNumber } from './dom.js';

const LANGUAGE_KEY = 'lifeline.language';
const FILTERS_KEY = 'lifeline.filters';

const state = {
  language: normalizeLanguage(localStorage.getItem(LANGUAGE_KEY)),
  me: null,
  index: null,
  filters: loadFilters(),
  selection: null, // {type: 'zone'|'station'|'device'|'sensor', id}
  trendRange: '1h',
  connection: 'down',
  outputs: [],
  lastCommand: new Map(),
};
const t = (key, params) => translate(state.language, key, params);
const tone = new AlarmTone();

function loadFilters() {
  try {
    return { site: '', tunnel: '', cabin: '', priority: '', state: '', ...JSON.parse(sessionStorage.getItem(FILTERS_KEY) || '{}') };
  } catch {
    return { site: '', tunnel: '', cabin: '', priority: '', state: '' };
  }
}

// ---------------------------------------------------------------- server access

let leaving = false;
function toLogin() {
  if (leaving) return;
  leaving = true;
  location.replace(loginUrl(location));
}

async function api(url, init) {
  const response = await fetch(url, { cache: 'no-store', ...init });
  if (response.status === 401) {
    toLogin();
    throw new Error(`${url}: signed out`);
  }
  return response;
}

async function fetchJson(url) {
  const response = await api(url);
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    const error = new Error(problem.detail || `${url}: HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

async function postJson(url, body) {
  return api(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) });
}

async function whoAmI() {
  const response = await fetch('/api/auth/me', { cache: 'no-store' });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`/api/auth/me: HTTP ${response.status}`);
  return response.json();
}

const sync = new AlarmSync({ fetchJson, onChange: () => scheduleRender() });
const incidents = new IncidentSync({ fetchJson, onChange: () => scheduleRender() });

// Many pushes in one burst render once per frame.
let renderPending = false;
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => { renderPending = false; renderLive(); });
}

function renderLive() {
  renderAlarms();
  renderOverviewStatus();
  renderIncidents();
  renderFooter();
  if (state.selection) renderDetailAlarms();
}

// ---------------------------------------------------------------- static texts, language, header

function applyStaticTexts() {
  document.documentElement.lang = state.language;
  document.title = t('app.title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of document.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
  document.getElementById('lang').textContent = t('header.language');
  renderMute();
  renderConnection();
  renderUser();
}

function setLanguage(language) {
  state.language = normalizeLanguage(language);
  localStorage.setItem(LANGUAGE_KEY, state.language);
  applyStaticTexts();
  renderFilters();
  renderOverview();
  renderLive();
  renderDetail();
}

function renderMute() {
  const button = document.getElementById('mute');
  button.textContent = tone.muted ? t('header.unmute') : t('header.mute');
  button.setAttribute('aria-pressed', String(tone.muted));
  button.classList.toggle('muted-on', tone.muted);
}

function renderUser() {
  const user = document.getElementById('user');
  user.textContent = state.me ? t('header.user', { name: state.me.name, role: t(`role.${state.me.role}`) }) : '';
}

function setConnection(value) {
  state.connection = value;
  renderConnection();
}

function renderConnection() {
  const node = document.getElementById('connection');
  node.textContent = t(`conn.${state.connection}`);
  node.className = `conn conn-${state.connection}`;
  node.dataset.state = state.connection;
}

function renderFooter() {
  document.getElementById('footer-seq').textContent = t('footer.seq', { seq: sync.seq });
  document.getElementById('footer-seq').dataset.seq = String(sync.seq);
  document.getElementById('footer-epoch').textContent = sync.epoch ? t('footer.epoch', { epoch: sync.epoch }) : '';
}

function tickClock() {
  document.getElementById('clock').textContent = new Date().toLocaleString(state.language, { hour12: false });
}

// ---------------------------------------------------------------- places

function cabinLabel(cabin) {
  return t(`cabin.${cabin?.type ?? cabin?.cabinType}`);
}

// The registry names tunnels itself (永昌路干线综合管廊, Yongchang Road trunk); without a name: site and kind.
function tunnelLabel(tunnel) {
  if (tunnel.name || tunnel.nameZh) return assetName(state.language, tunnel);
  return `${assetName(state.language, state.index.sites.get(tunnel.siteId))} ${t(`tunnel.${tunnel.kind}`)}`;
}

function zoneLabel(zone) {
  const tunnel = state.index.tunnels.get(zone.tunnelId);
  const cabin = state.index.cabins.get(zone.cabinId);
  return `${tunnelLabel(tunnel)} · ${t('overview.zone', { cabin: cabinLabel(cabin), zone: zone.index })}`;
}

// The readable place of an alarm in the console's language (the server's `location` is the fallback).
function alarmPlace(alarm) {
  const index = state.index;
  if (index && alarm.zoneId && index.zones.has(alarm.zoneId)) return zoneLabel(index.zones.get(alarm.zoneId));
  const device = index?.devices.get(alarm.deviceId);
  if (device?.stationId) {
    const station = index.stations.get(device.stationId);
    return `${assetName(state.language, index.sites.get(device.siteId))} · ${assetName(state.language, station)}`;
  }
  return alarm.location;
}

function kindLabel(kind) {
  const key = `kind.${kind}`;
  const text = t(key);
  return text === key ? kind : text;
}

// ---------------------------------------------------------------- filters and alarm list

function renderFilters() {
  const form = document.getElementById('filters');
  const index = state.index;
  const option = (value, text) => el('option', { value }, text);
  const fill = (name, options) => {
    const select = form.elements[name];
    select.replaceChildren(option('', t('filter.all')), ...options);
    select.value = state.filters[name] || '';
  };
  if (index) {
    fill('site', [...index.sites.values()].map(s => option(s.id, assetName(state.language, s))));
    const tunnels = [...index.tunnels.values()].filter(x => !state.filters.site || x.siteId === state.filters.site);
    fill('tunnel', tunnels.map(x => option(x.id, tunnelLabel(x))));
    const cabins = [...index.cabins.values()].filter(c => (!state.filters.site || c.siteId === state.filters.site)
      && (!state.filters.tunnel || c.tunnelId === state.filters.tunnel));
    fill('cabin', cabins.map(c => option(c.id, `${tunnelLabel(index.tunnels.get(c.tunnelId))} · ${cabinLabel(c)}`)));
  }
  fill('priority', PRIORITIES.map(p => option(p, t(`priority.${p}`))));
  fill('state', STATES.map(s => option(s, t(`state.${s}`))));
}

function onFilterChange() {
  const form = document.getElementById('filters');
  const next = {};
  for (const name of ['site', 'tunnel', 'cabin', 'priority', 'state']) next[name] = form.elements[name].value;
  state.filters = state.index ? narrowFilters(next, state.index) : next;
  sessionStorage.setItem(FILTERS_KEY, JSON.stringify(state.filters));
  renderFilters();
  renderAlarms();
}

function renderAlarms() {
  const all = [...sync.alarms.values()];
  const shown = sortAlarms(filterAlarms(all, state.filters));
  document.getElementById('alarm-rows').replaceChildren(...shown.map(renderAlarmRow));
  document.getElementById('alarm-count').textContent = t('alarms.count', { shown: shown.length, total: all.length });
  const none = document.getElementById('no-alarms');
  none.hidden = shown.length > 0;
  none.textContent = all.length === 0 ? t('alarms.none') : t('alarms.noneFiltered');
}

function stateCell(a) {
  const cell = el('td', { class: 'state' }, el('span', { class: 'state-text' }, t(`state.${a.state}`)));
  if (a.state === 'Shelved') {
    cell.append(el('div', { class: 'why' }, `${t('state.shelvedUntil', { time: fmtTime(a.shelvedUntil) })} · ${a.shelvedBy ?? ''}: ${a.shelveReason ?? ''}`));
  } else if ((a.state === 'Suppressed' || a.state === 'OutOfService') && a.suppression) {
    cell.append(el('div', { class: 'why' }, a.suppression));
  } else if (a.acknowledgedBy) {
    cell.append(el('div', { class: 'why' }, t('state.ackBy', { user: a.acknowledgedBy, time: fmtTime(a.acknowledgedAt) })));
  }
  return cell;
}

function renderAlarmRow(a) {
  const unack = isUnacknowledged(a);
  const row = el('tr', {
    class: `alarm prio-row-${a.priority} state-${a.state}${unack ? ' unack' : ''}`,
    'data-alarm-id': a.id,
    'data-state': a.state,
  },
  el('td', {}, el('span', { class: `prio prio-${a.priority}` }, t(`priority.${a.priority}`))),
  stateCell(a),
  el('td', { class: 'what' }, el('div', { class: 'kind' }, kindLabel(a.kind)), el('div', { class: 'message' }, a.message)),
  el('td', { class: 'where' }, alarmPlace(a)),
  el('td', { class: 'num' }, fmtNumber(a.value, a.unit)),
  el('td', { class: 'num' }, fmtNumber(a.limit, a.unit)),
  el('td', { class: 'time' }, fmtTime(a.raisedAt)),
  el('td', { class: 'actions' }, ...allowedActions(a, canOperate(state.me?.role)).map(action => actionButton(a, action))));
  row.addEventListener('click', () => select({ type: 'sensor', id: a.sensorId }));
  return row;
}

function actionButton(alarm, action) {
  const button = el('button', { type: 'button', class: `act act-${action}`, 'data-action': action }, t(`action.${action}`));
  button.addEventListener('click', async (e) => {
    e.stopPropagation();
    tone.unlock();
    if (action === 'shelve') { openShelveDialog(alarm); return; }
    button.disabled = true;
    try { await alarmAction(alarm.id, action, {}); } finally { button.disabled = false; }
  });
  return button;
}

async function alarmAction(id, action, body) {
  try {
    const response = await postJson(`/api/alarms/${encodeURIComponent(id)}/${action}`, body);
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      toast(t('action.failed', { action: t(`action.${action}`), detail: problem.detail || response.status }));
      return false;
    }
    // The new state arrives as AlarmChanged; apply the answer too, so the screen never waits for the push.
    const alarm = await response.json().catch(() => null);
    if (alarm && typeof alarm.seq === 'number') sync.push(alarm);
    return true;
  } catch (e) {
    if (!leaving) toast(t('action.failed', { action: t(`action.${action}`), detail: t('login.offline') }));
    return false;
  }
}

// ---------------------------------------------------------------- shelve dialog

let shelving = null;
function openShelveDialog(alarm) {
  shelving = alarm;
  const dialog = document.getElementById('shelve-dialog');
  dialog.querySelector('#shelve-target').textContent = `${kindLabel(alarm.kind)} · ${alarmPlace(alarm)}`;
  dialog.querySelector('#shelve-reason').value = '';
  dialog.querySelector('#shelve-error').textContent = '';
  const minutes = dialog.querySelector('#shelve-minutes');
  minutes.replaceChildren(...[15, 30, 60, 120, 240, 480].map(n => el('option', { value: String(n) },
    n < 60 ? t('shelve.minutesValue', { n }) : t('shelve.hoursValue', { n: n / 60 }))));
  minutes.value = '60';
  dialog.showModal();
  dialog.querySelector('#shelve-reason').focus();
}

async function submitShelve(e) {
  e.preventDefault();
  const dialog = document.getElementById('shelve-dialog');
  const reason = dialog.querySelector('#shelve-reason').value.trim();
  if (!reason) { dialog.querySelector('#shelve-error').textContent = t('shelve.reasonRequired'); return; }
  const minutes = Number(dialog.querySelector('#shelve-minutes').value);
  const alarm = shelving;
  dialog.close();
  if (alarm) await alarmAction(alarm.id, 'shelve', { reason, minutes });
}

// ---------------------------------------------------------------- incidents

function renderIncidents() {
  const list = document.getElementById('incident-list');
  const open = sortIncidents([...incidents.open.values()]);
  list.replaceChildren(...open.map(i => {
    const firstZone = i.zones?.[0] ? state.index?.zones.get(i.zones[0]) : null;
    const item = el('li', { class: `incident prio-row-${i.priority}`, 'data-incident-id': i.id },
      el('span', { class: `prio prio-${i.priority}` }, t(`priority.${i.priority}`)),
      el('span', { class: 'kind' }, kindLabel(i.kind)),
      el('span', { class: 'where' }, firstZone ? zoneLabel(firstZone) : i.deviceId ? alarmPlace({ deviceId: i.deviceId, location: i.location }) : i.location),
      el('span', { class: 'muted' }, t('incidents.alarms', { active: i.activeAlarms })),
      el('span', { class: 'time' }, fmtTime(i.openedAt)));
    item.addEventListener('click', () => {
      if (i.zones?.[0]) select({ type: 'zone', id: i.zones[0] });
      else if (i.deviceId) select({ type: 'device', id: i.deviceId });
    });
    return item;
  }));
  document.getElementById('no-incidents').hidden = open.length > 0;
}

// ---------------------------------------------------------------- network overview

const zoneCells = new Map();
const stationTiles = new Map();

function renderOverview() {
  const index = state.index;
  if (!index) return;
  zoneCells.clear();
  stationTiles.clear();
  const container = document.getElementById('overview');
  const zoneCell = zone => {
    const cell = el('button', {
      type: 'button', class: 'zone st-normal', 'data-zone': zone.id,
      title: `${zoneLabel(index.zones.get(zone.id))} · ${t('detail.chainage', { from: zone.startM, to: zone.endM })}`,
    });
    cell.addEventListener('click', () => select({ type: 'zone', id: zone.id }));
    zoneCells.set(zone.id, cell);
    return cell;
  };
  const strip = cabin => el('div', { class: 'strip', 'data-cabin': cabin.id },
    el('span', { class: 'cabin-name', title: cabinLabel(cabin) }, t(`cabinShort.${cabin.type}`)),
    el('div', { class: 'zones' }, ...cabin.zones.map(zoneCell)));
  const tunnelBlock = tunnel => el('div', { class: 'tunnel', 'data-tunnel': tunnel.id },
    el('div', { class: 'tunnel-name' }, `${t(`tunnel.${tunnel.kind}`)} · ${(tunnel.lengthM / 1000).toFixed(2)} km`),
    ...tunnel.cabins.map(strip));
  container.replaceChildren(...tunnelSites(index).map(site => el('div', { class: 'site', 'data-site': site.id },
    el('h4', {}, assetName(state.language, site)),
    ...site.tunnels.map(tunnelBlock))));
  const stations = document.getElementById('stations');
  stations.replaceChildren(...stationSites(index).map(site => el('div', { class: 'station-group', 'data-site': site.id },
    el('h4', {}, assetName(state.language, site)),
    el('div', { class: 'station-tiles' }, ...site.stations.map(station => {
      const tile = el('button', { type: 'button', class: 'station st-normal', 'data-station': station.id, title: assetName(state.language, station) },
        assetName(state.language, station));
      tile.addEventListener('click', () => select({ type: 'station', id: station.id }));
      stationTiles.set(station.id, tile);
      return tile;
    })))));
  renderOverviewStatus();
}

function renderOverviewStatus() {
  if (!state.index) return;
  const alarms = [...sync.alarms.values()];
  const byZone = worstByZone(alarms);
  for (const [id, cell] of zoneCells) {
    const worst = byZone.get(id);
    const cls = `zone ${statusClass(worst)}${state.selection?.type === 'zone' && state.selection.id === id ? ' selected' : ''}`;
    if (cell.className !== cls) cell.className = cls;
    cell.dataset.status = worst ? worst.priority : 'Normal';
  }
  const byDevice = worstByDevice(alarms);
  for (const [id, tile] of stationTiles) {
    const station = state.index.stations.get(id);
    let worst = null;
    for (const d of station.devices) {
      const w = byDevice.get(d.id);
      if (w && (!worst || PRIORITIES.indexOf(w.priority) < PRIORITIES.indexOf(worst.priority))) worst = w;
    }
    tile.className = `station ${statusClass(worst)}`;
    tile.dataset.status = worst ? worst.priority : 'Normal';
  }
}

// ---------------------------------------------------------------- drill-down: zone, station, device, sensor

let liveTimer = null;
let detailToken = 0;

function select(selection) {
  state.selection = selection;
  state.outputs = [];
  history.replaceState(null, '', `#${selection.type}=${encodeURIComponent(selection.id)}`);
  renderOverviewStatus();
  renderDetail();
}

function closeDetail() {
  state.selection = null;
  history.replaceState(null, '', location.pathname);
  renderOverviewStatus();
  renderDetail();
}

function detailHeader(kindKey, title, parent) {
  const header = el('div', { class: 'detail-head' },
    el('span', { class: 'detail-kind' }, t(kindKey)),
    el('h3', { id: 'detail-title' }, title));
  if (parent) {
    const back = el('button', { type: 'button', class: 'back' }, `← ${t('detail.back')}`);
    back.addEventListener('click', () => select(parent));
    header.prepend(back);
  }
  const close = el('button', { type: 'button', class: 'close', title: t('action.close') }, '×');
  close.addEventListener('click', closeDetail);
  header.append(close);
  return header;
}

function renderDetail() {
  const panel = document.getElementById('detail');
  clearInterval(liveTimer);
  liveTimer = null;
  detailToken += 1;
  const selection = state.selection;
  document.body.classList.toggle('has-detail', !!selection);
  if (!selection || !state.index) { panel.hidden = true; clear(panel); return; }
  panel.hidden = false;
  panel.dataset.type = selection.type;
  panel.dataset.id = selection.id;
  if (selection.type === 'zone') renderZone(panel, selection.id);
  else if (selection.type === 'station') renderStation(panel, selection.id);
  else if (selection.type === 'device') renderDevice(panel, selection.id);
  else renderSensor(panel, selection.id);
}

function deviceList(devices) {
  const byDevice = worstByDevice([...sync.alarms.values()]);
  return el('ul', { class: 'device-list' }, ...devices.map(d => {
    const item = el('li', {}, el('button', { type: 'button', class: `device-link ${statusClass(byDevice.get(d.id))}`, 'data-device': d.id },
      `${d.id}`, el('span', { class: 'muted' }, ` · ${d.model} · ${d.channels.length} ${t('detail.sensors')}`)));
    item.querySelector('button').addEventListener('click', () => select({ type: 'device', id: d.id }));
    return item;
  }));
}

function renderZone(panel, id) {
  const zone = state.index.zones.get(id);
  if (!zone) { closeDetail(); return; }
  panel.replaceChildren(
    detailHeader('detail.zone', zoneLabel(zone)),
    el('p', { class: 'muted' }, t('detail.chainage', { from: zone.startM, to: zone.endM })),
    el('h4', {}, t('detail.devices')),
    zone.devices.length ? deviceList(zone.devices) : el('p', { class: 'muted' }, t('detail.noDevices')),
    el('h4', {}, t('alarms.title')),
    el('div', { id: 'detail-alarms' }));
  renderDetailAlarms();
}

function renderStation(panel, id) {
  const station = state.index.stations.get(id);
  if (!station) { closeDetail(); return; }
  const site = state.index.sites.get(station.siteId);
  panel.replaceChildren(
    detailHeader('detail.devices', `${assetName(state.language, site)} · ${assetName(state.language, station)}`),
    deviceList(station.devices),
    el('h4', {}, t('alarms.title')),
    el('div', { id: 'detail-alarms' }));
  renderDetailAlarms();
}

// The alarms of the selected place, compact, under the drill-down.
function renderDetailAlarms() {
  const box = document.getElementById('detail-alarms');
  if (!box || !state.selection) return;
  const { type, id } = state.selection;
  let match;
  if (type === 'zone') match = a => a.zoneId === id;
  else if (type === 'station') {
    const ids = new Set(state.index.stations.get(id)?.devices.map(d => d.id));
    match = a => ids.has(a.deviceId);
  } else if (type === 'device') match = a => a.deviceId === id;
  else match = a => a.sensorId === id;
  const alarms = sortAlarms([...sync.alarms.values()].filter(match));
  box.replaceChildren(alarms.length === 0 ? el('p', { class: 'muted' }, t('alarms.none'))
    : el('ul', { class: 'mini-alarms' }, ...alarms.map(a => el('li', { class: `state-${a.state}${isUnacknowledged(a) ? ' unack' : ''}` },
      el('span', { class: `prio prio-${a.priority}` }, t(`priority.${a.priority}`)), ' ',
      el('span', {}, `${kindLabel(a.kind)} · ${t(`state.${a.state}`)} · ${fmtNumber(a.value, a.unit)} · ${fmtTime(a.raisedAt)}`)))));
}

function parentOfDevice(device) {
  return device.zoneId ? { type: 'zone', id: device.zoneId } : { type: 'station', id: device.stationId };
}

function renderDevice(panel, id) {
  const device = state.index.devices.get(id);
  if (!device) { closeDetail(); return; }
  const token = detailToken;
  panel.replaceChildren(
    detailHeader('detail.device', `${device.id}`, parentOfDevice(device)),
    el('p', { class: 'muted' }, `${device.model} · ${device.zoneId ? zoneLabel(state.index.zones.get(device.zoneId)) : device.location}`),
    el('p', { id: 'live-error', class: 'error', hidden: true }),
    el('table', { class: 'live' },
      el('thead', {}, el('tr', {}, ...['detail.channel', 'detail.value', 'detail.unit', 'detail.quality', 'detail.time'].map(k => el('th', {}, t(k))))),
      el('tbody', { id: 'live-rows' })),
    el('div', { id: 'control', hidden: true },
      el('h4', {}, t('control.title')),
      el('table', { class: 'control' },
        el('thead', {}, el('tr', {}, el('th', {}, t('control.output')), el('th', {}, t('control.feedback')), el('th', {}), el('th', {}, t('control.last')))),
        el('tbody', { id: 'control-rows' }))),
    el('h4', {}, t('alarms.title')),
    el('div', { id: 'detail-alarms' }));
  renderDetailAlarms();
  const refresh = () => refreshLive(device, token);
  refresh();
  liveTimer = setInterval(refresh, 2000);
  loadOutputs(device, token);
}

async function refreshLive(device, token) {
  let sensors;
  try {
    sensors = await fetchJson(`/api/sensors?device=${encodeURIComponent(device.id)}`);
  } catch (e) {
    if (token !== detailToken) return;
    const error = document.getElementById('live-error');
    error.hidden = false;
    error.textContent = t('detail.unavailable', { detail: e.message });
    return;
  }
  if (token !== detailToken) return;
  document.getElementById('live-error').hidden = true;
  document.getElementById('live-rows').replaceChildren(...sensors.map(s => {
    const row = el('tr', { class: `sensor-row${s.activeAlarms?.length ? ' in-alarm' : ''}`, 'data-sensor': s.id },
      el('td', {}, s.channel),
      el('td', { class: 'num value' }, sensorValue(s)),
      el('td', {}, s.unit),
      el('td', { class: `q-${s.quality}` }, t(`quality.${s.quality}`)),
      el('td', { class: 'time' }, fmtTime(s.timestamp)));
    row.addEventListener('click', () => select({ type: 'sensor', id: s.id }));
    return row;
  }));
}

function sensorValue(s) {
  if (s.value === null || s.value === undefined) return '–';
  if (s.kind === 'Boolean') return s.value >= 0.5 ? t('value.on') : t('value.off');
  return fmtNumber(s.value, '');
}

async function loadOutputs(device, token) {
  try {
    const outputs = await fetchJson(`/api/devices/${encodeURIComponent(device.id)}/commands`);
    if (token !== detailToken) return;
    state.outputs = outputs;
    const recent = await fetchJson(`/api/commands?device=${encodeURIComponent(device.id)}&limit=50`).catch(() => []);
    for (const record of [...recent].reverse()) rememberCommand(record);
    if (token === detailToken) renderControl(device.id);
  } catch {
    // A device without command outputs (or an older server): no control block.
  }
}

function renderControl(deviceId) {
  const block = document.getElementById('control');
  if (!block) return;
  block.hidden = state.outputs.length === 0;
  const operate = canOperate(state.me?.role);
  document.getElementById('control-rows').replaceChildren(...state.outputs.map(o => {
    const last = state.lastCommand.get(`${deviceId}|${o.channel}`);
    const buttons = el('td', { class: 'actions' });
    if (operate) {
      for (const [value, key] of [[1, 'control.start'], [0, 'control.stop']]) {
        const button = el('button', { type: 'button', class: `cmd cmd-${value ? 'start' : 'stop'}`, 'data-output': o.channel }, t(key));
        button.addEventListener('click', () => confirmCommand(deviceId, o.channel, value));
        buttons.append(button);
      }
    }
    const status = last ? t('control.status', {
      verb: t(last.value >= 0.5 ? 'control.start' : 'control.stop'),
      outcome: t(`outcome.${last.outcome}`),
      who: last.user || (last.interlockId ? t('control.interlock') : ''),
      time: fmtTime(last.finishedAt || last.requestedAt),
    }) : '–';
    return el('tr', { 'data-output': o.channel },
      el('td', {}, o.channel), el('td', {}, o.feedback || ''), buttons,
      el('td', { class: `cmd-status cmd-${last ? last.outcome : 'none'}`, title: last?.detail || '' }, status));
  }));
}

function rememberCommand(record) {
  const key = `${record.deviceId}|${record.channel}`;
  const known = state.lastCommand.get(key);
  if (!known || known.id <= record.id) state.lastCommand.set(key, record);
}

function onCommand(record) {
  rememberCommand(record);
  if (state.selection?.type === 'device' && state.selection.id === record.deviceId) renderControl(record.deviceId);
}

let pendingCommand = null;
function confirmCommand(deviceId, channel, value) {
  pendingCommand = { deviceId, channel, value };
  const dialog = document.getElementById('confirm-dialog');
  dialog.querySelector('#confirm-title').textContent = t('control.confirmTitle');
  dialog.querySelector('#confirm-text').textContent = t('control.confirmText', {
    verb: t(value ? 'control.start' : 'control.stop'), output: channel, device: deviceId,
  });
  dialog.showModal();
}

async function sendCommand(e) {
  e.preventDefault();
  document.getElementById('confirm-dialog').close();
  const command = pendingCommand;
  pendingCommand = null;
  if (!command) return;
  try {
    const response = await postJson(`/api/devices/${encodeURIComponent(command.deviceId)}/commands`, {
      channel: command.channel, value: command.value, reason: 'operator command from the control-room console',
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) { toast(t('control.refused', { detail: body.detail || response.status })); return; }
    onCommand(body);
  } catch {
    if (!leaving) toast(t('control.offline'));
  }
}

async function renderSensor(panel, id) {
  const { deviceId } = splitSensorId(id);
  const device = state.index.devices.get(deviceId);
  if (!device) { closeDetail(); return; }
  const token = detailToken;
  const ranges = el('div', { class: 'ranges', role: 'group' }, ...Object.keys(TREND_RANGES).map(key => {
    const button = el('button', { type: 'button', class: `range${key === state.trendRange ? ' active' : ''}`, 'data-range': key }, t(`detail.range.${key}`));
    button.addEventListener('click', () => { state.trendRange = key; renderDetail(); });
    return button;
  }));
  panel.replaceChildren(
    detailHeader('detail.sensor', id, { type: 'device', id: deviceId }),
    el('div', { class: 'sensor-now' },
      el('span', { id: 'sensor-value', class: 'big' }, '–'),
      el('span', { id: 'sensor-quality' }),
      el('span', { id: 'sensor-time', class: 'muted' })),
    el('h4', {}, t('detail.limits')),
    el('ul', { id: 'sensor-limits', class: 'limits' }),
    el('h4', {}, t('detail.trend'), ' ', ranges),
    el('div', { id: 'trend', class: 'trend' }),
    el('p', { id: 'trend-note', class: 'muted' }),
    el('h4', {}, t('detail.alarmsInRange')),
    el('ul', { id: 'sensor-history', class: 'mini-alarms' }),
    el('h4', {}, t('alarms.title')),
    el('div', { id: 'detail-alarms' }));
  renderDetailAlarms();

  const refreshNow = async () => {
    try {
      const s = await fetchJson(`/api/sensors/${encodeURIComponent(id)}`);
      if (token !== detailToken) return;
      document.getElementById('sensor-value').textContent = `${sensorValue(s)} ${s.kind === 'Boolean' ? '' : s.unit}`.trim();
      const quality = document.getElementById('sensor-quality');
      quality.textContent = t(`quality.${s.quality}`);
      quality.className = `q-${s.quality}`;
      document.getElementById('sensor-time').textContent = fmtDateTime(s.timestamp);
    } catch { /* shown as '–' */ }
  };
  refreshNow();
  liveTimer = setInterval(refreshNow, 2000);

  const to = new Date();
  const from = new Date(to.getTime() - TREND_RANGES[state.trendRange].ms);
  const [rules, trend, alarmHistory] = await Promise.all([
    fetchJson(`/api/rules?sensor=${encodeURIComponent(id)}`).catch(() => null),
    fetchJson(`/api/sensors/${encodeURIComponent(id)}/history?from=${from.toISOString()}&to=${to.toISOString()}&every=${TREND_RANGES[state.trendRange].every}`).catch(e => ({ error: e.message })),
    fetchJson(`/api/alarms/history?from=${from.toISOString()}&to=${to.toISOString()}&${device.zoneId ? `zone=${encodeURIComponent(device.zoneId)}` : `site=${encodeURIComponent(device.siteId)}`}&limit=10000`).catch(() => null),
  ]);
  if (token !== detailToken) return;
  const limits = rules?.rules ?? [];
  document.getElementById('sensor-limits').replaceChildren(...(limits.length === 0 ? [el('li', { class: 'muted' }, t('detail.noLimits'))]
    : limits.map(r => el('li', {}, el('span', { class: `prio prio-${r.priority}` }, t(`priority.${r.priority}`)), ' ',
      r.direction === 'High' || r.direction === 'Low' ? t(`limit.${r.direction}`, { limit: r.limit, unit: trend?.unit ?? '' })
        : t(r.direction === 'OnTrue' ? 'limit.On' : 'limit.Off'),
      el('span', { class: 'muted' }, ` · ${r.message}`)))));
  const transitions = (alarmHistory?.transitions ?? []).filter(x => x.sensorId === id);
  document.getElementById('sensor-history').replaceChildren(...transitions.slice(-50).reverse().map(x => el('li', {},
    el('span', { class: `prio prio-${x.priority}` }, t(`priority.${x.priority}`)), ' ',
    `${fmtDateTime(x.changedAt)} · ${kindLabel(x.kind)} · ${t(`state.${x.state}`)} · ${x.by}`)));
  const note = document.getElementById('trend-note');
  if (trend.error) { note.textContent = trend.error; return; }
  note.textContent = trend.buckets.length === 0 ? t('detail.noHistory') : `${t('detail.historyFrom', { source: trend.source })}${trend.note ? ` · ${trend.note}` : ''}`;
  drawTrend(document.getElementById('trend'), trend, {
    from, to, limits: limits.filter(r => r.direction === 'High' || r.direction === 'Low'), transitions, language: state.language,
  });
}

// ---------------------------------------------------------------- toast

let toastTimer = null;
function toast(text) {
  const node = document.getElementById('toast');
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, 8000);
}

// ---------------------------------------------------------------- hub

const hub = new signalR.HubConnectionBuilder()
  .withUrl('/hubs/alarms')
  .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(5000, 500 * 2 ** ctx.previousRetryCount) })
  .build();
hub.on('AlarmChanged', change => {
  // Only a transition this screen has not seen yet may sound: catch-up replays and duplicates stay silent.
  if (change.seq > sync.seq && shouldSound(change)) tone.play(change.priority);
  sync.push(change);
});
hub.on('IncidentChanged', incident => incidents.push(incident));
hub.on('CommandChanged', record => onCommand(record));
hub.onreconnecting(() => setConnection('wait'));
hub.onreconnected(async () => {
  // A restarted server has the same epoch (journal); changes it no longer holds come back as a snapshot.
  try {
    await Promise.all([sync.catchUp(), incidents.reload()]);
    setConnection('up');
  } catch {
    setConnection('wait');
  }
});
hub.onclose(() => { setConnection('down'); setTimeout(start, 2000); });

async function start() {
  try {
    sync.beginBuffering();
    incidents.beginBuffering();
    await hub.start();
    await Promise.all([sync.loadSnapshot(), incidents.reload()]);
    setConnection('up');
  } catch {
    setConnection('down');
    const user = await whoAmI().catch(() => undefined);
    if (user === null) { toLogin(); return; }
    setTimeout(start, 2000);
  }
}

// ---------------------------------------------------------------- boot

function wireStaticControls() {
  document.getElementById('lang').addEventListener('click', () => setLanguage(state.language === 'zh-CN' ? 'en' : 'zh-CN'));
  document.getElementById('mute').addEventListener('click', () => { tone.setMuted(!tone.muted); tone.unlock(); renderMute(); });
  document.getElementById('filters').addEventListener('change', onFilterChange);
  document.getElementById('filter-clear').addEventListener('click', () => {
    state.filters = { site: '', tunnel: '', cabin: '', priority: '', state: '' };
    sessionStorage.setItem(FILTERS_KEY, JSON.stringify(state.filters));
    renderFilters();
    renderAlarms();
  });
  document.getElementById('shelve-form').addEventListener('submit', submitShelve);
  document.getElementById('shelve-cancel').addEventListener('click', () => document.getElementById('shelve-dialog').close());
  document.getElementById('confirm-form').addEventListener('submit', sendCommand);
  document.getElementById('confirm-cancel').addEventListener('click', () => document.getElementById('confirm-dialog').close());
  document.getElementById('sign-out').addEventListener('click', async () => {
    await fetch('/api/auth/logout', { method: 'POST' }).catch(() => null);
    await hub.stop().catch(() => null);
    toLogin();
  });
  // Browsers allow sound only after a gesture: the first click or key press anywhere unlocks the tone.
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, () => tone.unlock(), { once: true });
}

async function boot() {
  applyStaticTexts();
  renderFilters();
  try {
    state.me = await whoAmI();
  } catch {
    setConnection('down');
    setTimeout(boot, 2000);
    return;
  }
  if (!state.me) { toLogin(); return; }
  document.getElementById('sign-out').hidden = false;
  renderUser();
  start();
  try {
    state.index = indexAssets(await fetchJson('/api/assets'));
  } catch (e) {
    toast(e.message);
  }
  renderFilters();
  renderOverview();
  renderLive();
  const [type, id] = location.hash.slice(1).split('=');
  if (type && id && ['zone', 'station', 'device', 'sensor'].includes(type)) select({ type, id: decodeURIComponent(id) });
}

wireStaticControls();
tickClock();
setInterval(tickClock, 1000);
boot();

// For diagnostics and the browser tests: the alarm state the screen is built from.
window.lifeline = { sync, incidents, hub, tone, state };
