// What the console derives from the alarm list: order, filters, the colour of a fire zone, the actions an operator
// may take, and which changes sound the tone. Pure module (no DOM): tested in node (tests/console/alarm-model.test.mjs).

export const PRIORITIES = ['Critical', 'High', 'Medium', 'Low'];
export const PRIORITY_RANK = { Critical: 4, High: 3, Medium: 2, Low: 1 };
export const STATES = ['Unacknowledged', 'ReturnedUnacknowledged', 'Acknowledged', 'Latched', 'Shelved', 'Suppressed', 'OutOfService'];

// States that are annunciated: they colour the overview. Shelved, suppressed and out-of-service alarms are listed
// (with why) but do not colour a zone.
const ANNUNCIATED = new Set(['Unacknowledged', 'ReturnedUnacknowledged', 'Acknowledged', 'Latched']);
const UNACKNOWLEDGED = new Set(['Unacknowledged', 'ReturnedUnacknowledged']);

export const isAnnunciated = alarm => ANNUNCIATED.has(alarm.state);
export const isUnacknowledged = alarm => UNACKNOWLEDGED.has(alarm.state);

const rank = p => PRIORITY_RANK[p] ?? 0;
const time = iso => (iso ? Date.parse(iso) : 0);

// Highest priority first; within a priority the newest raised first; then by id so the order is stable.
export function compareAlarms(a, b) {
  return (rank(b.priority) - rank(a.priority))
    || (time(b.raisedAt) - time(a.raisedAt))
    || String(a.id).localeCompare(String(b.id));
}

export function sortAlarms(alarms) {
  return [...alarms].sort(compareAlarms);
}

// The same order for incidents: priority, then the newest opened first.
export function sortIncidents(incidents) {
  return [...incidents].sort((a, b) => (rank(b.priority) - rank(a.priority)) || (time(b.openedAt) - time(a.openedAt))
    || String(a.id).localeCompare(String(b.id)));
}

// Filters: {site, tunnel, cabin, priority, state}; an empty or missing value lets everything through.
export function matchesFilters(alarm, filters) {
  if (!filters) return true;
  if (filters.site && alarm.siteId !== filters.site) return false;
  if (filters.tunnel && alarm.tunnelId !== filters.tunnel) return false;
  if (filters.cabin && alarm.cabinId !== filters.cabin) return false;
  if (filters.priority && alarm.priority !== filters.priority) return false;
  if (filters.state && alarm.state !== filters.state) return false;
  return true;
}

export function filterAlarms(alarms, filters) {
  return alarms.filter(a => matchesFilters(a, filters));
}

// A filter that names a tunnel of another site, or a cabin of another tunnel, is cleared when the parent changes.
export function narrowFilters(filters, index) {
  const next = { ...filters };
  if (next.tunnel && next.site && index.tunnels.get(next.tunnel)?.siteId !== next.site) next.tunnel = '';
  if (next.cabin && next.tunnel && index.cabins.get(next.cabin)?.tunnelId !== next.tunnel) next.cabin = '';
  if (next.cabin && next.site && index.cabins.get(next.cabin)?.siteId !== next.site) next.cabin = '';
  return next;
}

// The worst annunciated alarm per key (zone id, or device id for stations): {priority, unacknowledged, count}.
// `unacknowledged` is true when any alarm of that worst priority still waits for an acknowledgement (the cell flashes).
export function worstBy(alarms, keyOf) {
  const result = new Map();
  for (const alarm of alarms) {
    if (!isAnnunciated(alarm)) continue;
    const key = keyOf(alarm);
    if (!key) continue;
    const known = result.get(key);
    if (!known || rank(alarm.priority) > rank(known.priority)) {
      result.set(key, { priority: alarm.priority, unacknowledged: isUnacknowledged(alarm), count: (known?.count ?? 0) + 1 });
    } else {
      known.count += 1;
      if (alarm.priority === known.priority && isUnacknowledged(alarm)) known.unacknowledged = true;
    }
  }
  return result;
}

export const worstByZone = alarms => worstBy(alarms, a => a.zoneId);
export const worstByDevice = alarms => worstBy(alarms, a => a.deviceId);

// The CSS class of a zone cell or station tile: grey when normal, the priority's colour otherwise.
export function statusClass(worst) {
  if (!worst) return 'st-normal';
  return `st-${worst.priority.toLowerCase()}${worst.unacknowledged ? ' st-unack' : ''}`;
}

// What an operator may do with an alarm in its state (nothing for a viewer). Acknowledge while not acknowledged
// and annunciated; reset a latched one; shelve a non-life-safety annunciated alarm; unshelve a shelved one.
export function allowedActions(alarm, canOperate) {
  if (!canOperate) return [];
  const actions = [];
  if (isUnacknowledged(alarm)) actions.push('ack');
  if (alarm.state === 'Latched') actions.push('reset');
  if (alarm.state === 'Shelved') actions.push('unshelve');
  else if (!alarm.lifeSafety && ['Unacknowledged', 'Acknowledged', 'ReturnedUnacknowledged'].includes(alarm.state)) actions.push('shelve');
  return actions;
}

// The tone sounds for a NEW critical or high alarm: a raise or re-raise that is annunciated and unacknowledged.
// Acknowledgements, clears, shelving, catch-up replays of old transitions and lower priorities stay silent.
export function shouldSound(change) {
  if (!change) return false;
  if (change.transition !== 'Raised' && change.transition !== 'Reraised') return false;
  if (change.state !== 'Unacknowledged') return false;
  return change.priority === 'Critical' || change.priority === 'High';
}
