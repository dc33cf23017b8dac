// Lifeline control-room page: active alarms pushed over SignalR, kept consistent by seq.
// Hub method names: keep in sync with Hubs/AlarmHubMethods.cs.
import { AlarmSync } from './alarm-sync.js';
import { canOperate, loginUrl } from './session.js';

const PRIORITY_RANK = { Critical: 4, High: 3, Medium: 2, Low: 1 };
// Who is signed in ({name, role}); actions are attributed to this user by the server.
let me = null;
const rows = document.getElementById('alarm-rows');
const noAlarms = document.getElementById('no-alarms');
const connection = document.getElementById('connection');
let selectedDevice = null;
let chosenByOperator = false;

// Signed out (session expired, user disabled, password changed): to the login page, back here afterwards.
let leaving = false;
function toLogin() {
  if (leaving) return;
  leaving = true;
  location.replace(loginUrl(location));
}

// fetch for the API: a 401 means the session is over.
async function api(url, init) {
  const response = await fetch(url, init);
  if (response.status === 401) {
    toLogin();
    throw new Error(`${url}: signed out`);
  }
  return response;
}

// The signed-in user, or null when not signed in (throws when the server cannot be reached).
async function whoAmI() {
  const response = await fetch('/api/auth/me', { cache: 'no-store' });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`/api/auth/me: HTTP ${response.status}`);
  return response.json();
}

const sync = new AlarmSync({
  fetchJson: async (url) => {
    const response = await api(url, { cache: 'no-store' });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  },
  onChange: render,
});

function fmtTime(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleTimeString([], { hour12: false });
}

function fmtValue(v, unit) {
  if (v === null || v === undefined) return '–';
  return `${Number.isInteger(v) ? v : v.toFixed(2)} ${unit || ''}`.trim();
}

function render() {
  const alarms = [...sync.alarms.values()].sort((a, b) =>
    (PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority]) || (new Date(b.raisedAt) - new Date(a.raisedAt)));
  rows.replaceChildren(...alarms.map(renderRow));
  noAlarms.hidden = alarms.length > 0;
  document.getElementById('stat-active').textContent = `${alarms.length} active`;
  document.getElementById('footer').textContent = `seq ${sync.seq}`;
  // Until the operator picks a device, the live panel follows the most urgent alarm.
  if (!chosenByOperator && alarms.length > 0 && selectedDevice !== alarms[0].deviceId) {
    selectDevice(alarms[0].deviceId);
  }
}

function renderRow(a) {
  const tr = document.createElement('tr');
  tr.className = `alarm state-${a.state}` + (a.deviceId === selectedDevice ? ' selected' : '');
  tr.dataset.id = a.id;
  const cells = [
    `<span class="prio prio-${a.priority}">${a.priority}</span>`,
    stateText(a),
    `${escapeHtml(a.message)}<br><span class="muted">${escapeHtml(a.kind)} · ${escapeHtml(a.sensorId)}</span>`,
    escapeHtml(a.location),
    fmtValue(a.value, a.unit),
    a.limit === null || a.limit === undefined ? '' : fmtValue(a.limit, a.unit),
    fmtTime(a.raisedAt) + (a.acknowledgedBy ? `<br><span class="muted">ack ${escapeHtml(a.acknowledgedBy)} ${fmtTime(a.acknowledgedAt)}</span>` : ''),
  ];
  tr.innerHTML = cells.map((c, i) => `<td${i === 1 ? ' class="state"' : ''}>${c}</td>`).join('');
  const td = document.createElement('td');
  if (canOperate(me?.role)) {
    if (!a.acknowledgedAt && a.state !== 'Shelved' && a.state !== 'Suppressed' && a.state !== 'OutOfService') {
      td.append(actionButton('ack', 'Ack', () => alarmAction(a.id, 'ack', {})));
    }
    if (a.state === 'Latched') {
      td.append(actionButton('reset', 'Reset', () => alarmAction(a.id, 'reset', {})));
    }
    if (a.state === 'Shelved') {
      td.append(actionButton('unshelve', 'Unshelve', () => alarmAction(a.id, 'unshelve', {})));
    } else if (!a.lifeSafety && ['Unacknowledged', 'Acknowledged', 'ReturnedUnacknowledged'].includes(a.state)) {
      td.append(actionButton('shelve', 'Shelve', () => {
        const reason = prompt('Shelve: reason (required)');
        if (!reason) return Promise.resolve();
        const minutes = Number(prompt('Shelve for how many minutes?', '60'));
        return alarmAction(a.id, 'shelve', { reason, minutes });
      }));
    }
  }
  tr.append(td);
  tr.addEventListener('click', () => { chosenByOperator = true; selectDevice(a.deviceId); });
  return tr;
}

function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// The state column: what the operator must know at a glance, with why an alarm is not annunciated.
function stateText(a) {
  switch (a.state) {
    case 'ReturnedUnacknowledged': return 'Cleared, unacked';
    case 'Latched': return 'Latched: reset';
    case 'Shelved': return `Shelved until ${fmtTime(a.shelvedUntil)}<br><span class="muted">${escapeHtml(a.shelvedBy)}: ${escapeHtml(a.shelveReason)}</span>`;
    case 'Suppressed':
    case 'OutOfService': return `${a.state === 'Suppressed' ? 'Suppressed' : 'Out of service'}<br><span class="muted">${escapeHtml(a.suppression)}</span>`;
    default: return a.state;
  }
}

function actionButton(cls, label, run) {
  const button = document.createElement('button');
  button.className = cls;
  button.textContent = label;
  button.addEventListener('click', async (e) => {
    e.stopPropagation();
    button.disabled = true;
    try { await run(); } finally { button.disabled = false; }
  });
  return button;
}

async function alarmAction(id, action, body) {
  const response = await api(`/api/alarms/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    alert(`${action} failed: ${problem.detail || response.status}`);
  }
  // The new state arrives as an AlarmChanged push; the screen shows only what the server confirmed.
}

// Command outputs of the watched device (fans, pumps), with the latest command record of each.
let outputs = [];
const lastCommand = new Map(); // `${device}|${channel}` → newest CommandRecord

async function loadOutputs(deviceId) {
  const response = await api(`/api/devices/${encodeURIComponent(deviceId)}/commands`, { cache: 'no-store' }).catch(() => null);
  outputs = response && response.ok ? await response.json().catch(() => []) : [];
  if (deviceId === selectedDevice) renderControl();
}

function renderControl() {
  const block = document.getElementById('control');
  block.hidden = outputs.length === 0;
  document.getElementById('control-rows').replaceChildren(...outputs.map(o => {
    const tr = document.createElement('tr');
    const last = lastCommand.get(`${selectedDevice}|${o.channel}`);
    const status = last
      ? `${last.value >= 0.5 ? 'start' : 'stop'} · ${last.outcome}${last.user ? ' · ' + last.user : last.interlockId ? ' · interlock' : ''} · ${fmtTime(last.finishedAt || last.requestedAt)}`
      : '–';
    const buttons = canOperate(me?.role) ? '<button data-value="1">Start</button> <button data-value="0">Stop</button>' : '';
    tr.innerHTML = `<td>${escapeHtml(o.channel)}</td><td>${escapeHtml(o.feedback || '')}</td>` +
      `<td>${buttons}</td>` +
      `<td class="cmd-${last ? last.outcome : 'none'}" title="${escapeHtml(last?.detail || '')}">${escapeHtml(status)}</td>`;
    for (const button of tr.querySelectorAll('button')) {
      button.addEventListener('click', () => command(selectedDevice, o.channel, Number(button.dataset.value), button));
    }
    return tr;
  }));
}

async function command(deviceId, channel, value, button) {
  const verb = value ? 'START' : 'STOP';
  if (!confirm(`${verb} ${channel} on ${deviceId}?`)) return;
  button.disabled = true;
  try {
    const response = await api(`/api/devices/${encodeURIComponent(deviceId)}/commands`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel, value, reason: 'operator command from the control-room console' }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) { alert(body.detail || `command refused (${response.status})`); return; }
    onCommand(body);
  } catch (e) {
    if (!leaving) alert('command not sent: no connection to the server');
  } finally {
    button.disabled = false;
  }
}

// Records arrive as Pending, then Confirmed / NotConfirmed / Failed once the feedback is read back.
function onCommand(record) {
  const key = `${record.deviceId}|${record.channel}`;
  const known = lastCommand.get(key);
  if (!known || known.id <= record.id) lastCommand.set(key, record);
  if (record.deviceId === selectedDevice) renderControl();
}

function selectDevice(deviceId) {
  selectedDevice = deviceId;
  outputs = [];
  renderControl();
  loadOutputs(deviceId);
  document.getElementById('live-device').textContent = deviceId;
  document.getElementById('watch-device').value = deviceId;
  history.replaceState(null, '', `#device=${encodeURIComponent(deviceId)}`);
  refreshLive();
  render();
}

document.getElementById('watch-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const id = document.getElementById('watch-device').value.trim();
  if (id) { chosenByOperator = true; selectDevice(id); }
});

async function refreshLive() {
  if (!selectedDevice) return;
  const hint = document.getElementById('live-hint');
  const response = await api(`/api/sensors?device=${encodeURIComponent(selectedDevice)}`, { cache: 'no-store' }).catch(() => null);
  if (!response || !response.ok) {
    // Never keep showing the previous device's values under a new name.
    document.getElementById('live-rows').replaceChildren();
    const problem = response ? await response.json().catch(() => ({})) : {};
    hint.textContent = problem.detail || 'Live values unavailable: no connection to the server.';
    hint.className = 'error';
    return;
  }
  hint.textContent = 'Select an alarm, or enter a device id, to watch its values.';
  hint.className = 'muted';
  try {
    const sensors = await response.json();
    document.getElementById('live-rows').replaceChildren(...sensors.map(s => {
      const tr = document.createElement('tr');
      const value = s.value === null ? '–' : s.kind === 'Boolean' ? (s.value >= 0.5 ? 'ON' : 'off') : fmtValue(s.value, '');
      tr.innerHTML = `<td>${escapeHtml(s.channel)}</td><td>${value}</td>` +
        `<td>${escapeHtml(s.unit)}</td><td class="q-${s.quality}">${s.quality}</td><td>${fmtTime(s.timestamp)}</td>`;
      return tr;
    }));
  } catch (e) {
    console.warn('live values', e);
  }
}

let lastReadings = null;
async function refreshStats() {
  const devices = document.getElementById('stat-devices');
  const rate = document.getElementById('stat-rate');
  try {
    // /health answers 503 when unhealthy; its body is exactly what the operator needs to see then.
    const response = await fetch('/health', { cache: 'no-store' });
    const health = await response.json();
    const p = health.checks.pipeline.data;
    const mqtt = health.checks.mqtt;
    devices.textContent = `devices ${p.devicesReporting}/${p.devices}`;
    if (mqtt.status !== 'Healthy') {
      rate.textContent = 'broker disconnected: no telemetry';
      rate.className = 'error';
      rate.title = mqtt.data.lastError || mqtt.description;
    } else if (lastReadings) {
      const perSecond = (p.readingsAccepted - lastReadings.count) / ((Date.now() - lastReadings.at) / 1000);
      rate.textContent = `${Math.round(perSecond)} readings/s`;
      rate.className = '';
      rate.title = 'readings accepted per second';
    }
    lastReadings = { count: p.readingsAccepted, at: Date.now() };
  } catch (e) {
    rate.textContent = 'no data';
    rate.className = 'error';
  }
}

function setConnection(state) {
  const labels = { up: 'server: live', wait: 'server: reconnecting…', down: 'server: disconnected' };
  connection.textContent = labels[state];
  connection.className = `conn conn-${state}`;
}

const hub = new signalR.HubConnectionBuilder()
  .withUrl('/hubs/alarms')
  .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(10000, 500 * 2 ** ctx.previousRetryCount) })
  .build();
hub.on('AlarmChanged', change => sync.push(change));
hub.on('CommandChanged', record => onCommand(record));
hub.onreconnecting(() => setConnection('wait'));
hub.onreconnected(async () => { await sync.catchUp(); setConnection('up'); });
hub.onclose(() => { setConnection('down'); setTimeout(start, 2000); });

async function start() {
  try {
    sync.beginBuffering();
    await hub.start();
    await sync.loadSnapshot();
    setConnection('up');
  } catch (e) {
    setConnection('down');
    // A refused negotiation looks like any other failure here: ask whether the session is still there.
    const user = await whoAmI().catch(() => undefined);
    if (user === null) { toLogin(); return; }
    setTimeout(start, 2000);
  }
}

// Device ids for the watch box; with nothing chosen yet, watch the first tunnel zone controller so the screen
// shows live values from the start.
async function loadDevices() {
  try {
    const assets = await sync.fetchJson('/api/assets');
    const ids = [];
    for (const site of assets.sites) {
      for (const tunnel of site.tunnels) for (const cabin of tunnel.cabins) for (const zone of cabin.zones) for (const d of zone.devices) ids.push(d.id);
      for (const station of site.stations) for (const d of station.devices) ids.push(d.id);
    }
    document.getElementById('device-ids').replaceChildren(...ids.map(id => Object.assign(document.createElement('option'), { value: id })));
    if (!selectedDevice && ids.length > 0) selectDevice(ids[0]);
  } catch (e) {
    console.warn('device list', e);
  }
}

function showUser() {
  document.getElementById('user').textContent = `${me.name} (${me.role})`;
  const signOut = document.getElementById('sign-out');
  signOut.hidden = false;
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    await fetch('/api/auth/logout', { method: 'POST' }).catch(() => null);
    await hub.stop().catch(() => null);
    toLogin();
  });
}

async function boot() {
  try {
    me = await whoAmI();
  } catch (e) {
    // The server is not reachable yet: try again, the page stays as it is.
    setConnection('down');
    setTimeout(boot, 2000);
    return;
  }
  if (!me) { toLogin(); return; }
  showUser();
  start();
  const initial = new URLSearchParams(location.hash.slice(1)).get('device');
  if (initial) { chosenByOperator = true; selectDevice(initial); }
  loadDevices();
  setInterval(refreshLive, 2000);
  setInterval(refreshStats, 2000);
  refreshStats();
}

boot();
window.lifeline = { sync, hub };
