// Tests of the console's alarm model (src/Lifeline.Server/wwwroot/js/alarm-model.js): list order, filters, the colour of
// a fire zone from its worst alarm, the actions offered per state, and which changes sound the tone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sortAlarms, sortIncidents, filterAlarms, narrowFilters, worstByZone, worstByDevice, statusClass, allowedActions, shouldSound,
} from '../../src/Lifeline.Server/wwwroot/js/alarm-model.js';

const alarm = (id, priority, raisedAt, extra = {}) => ({ id, priority, raisedAt, state: 'Unacknowledged', ...extra });

test('alarms are sorted by priority, then newest raised first, then by id', () => {
  const list = [
    alarm('A1', 'Low', '2026-11-27T10:00:00Z'),
    alarm('A2', 'Critical', '2026-11-27T09:00:00Z'),
    alarm('A3', 'High', '2026-11-27T11:00:00Z'),
    alarm('A4', 'Critical', '2026-11-27T09:30:00Z'),
    alarm('A5', 'Medium', '2026-11-27T12:00:00Z'),
    alarm('A7', 'High', '2026-11-27T11:00:00Z'),
    alarm('A6', 'High', '2026-11-27T11:00:00Z'),
  ];
  assert.deepEqual(sortAlarms(list).map(a => a.id), ['A4', 'A2', 'A3', 'A6', 'A7', 'A5', 'A1']);
  assert.equal(list[0].id, 'A1', 'the input is not reordered');
});

test('incidents are sorted by priority, then newest opened first', () => {
  const list = [
    { id: 'I1', priority: 'High', openedAt: '2026-11-27T10:00:00Z' },
    { id: 'I2', priority: 'Critical', openedAt: '2026-11-27T08:00:00Z' },
    { id: 'I3', priority: 'High', openedAt: '2026-11-27T11:00:00Z' },
  ];
  assert.deepEqual(sortIncidents(list).map(i => i.id), ['I2', 'I3', 'I1']);
});

test('filters by site, tunnel, cabin, priority and state combine; empty values let everything through', () => {
  const list = [
    alarm('A1', 'Critical', 't', { siteId: 's1', tunnelId: 's1-trunk', cabinId: 's1-trunk-gas' }),
    alarm('A2', 'High', 't', { siteId: 's1', tunnelId: 's1-trunk', cabinId: 's1-trunk-power', state: 'Acknowledged' }),
    alarm('A3', 'High', 't', { siteId: 's2', tunnelId: 's2-trunk', cabinId: 's2-trunk-gas' }),
    alarm('A4', 'Low', 't', { siteId: 'wwtp1', deviceId: 'wwtp1-aeration-do' }),
  ];
  const ids = f => filterAlarms(list, f).map(a => a.id);
  assert.deepEqual(ids({}), ['A1', 'A2', 'A3', 'A4']);
  assert.deepEqual(ids({ site: '', tunnel: '', cabin: '', priority: '', state: '' }), ['A1', 'A2', 'A3', 'A4']);
  assert.deepEqual(ids({ site: 's1' }), ['A1', 'A2']);
  assert.deepEqual(ids({ tunnel: 's2-trunk' }), ['A3']);
  assert.deepEqual(ids({ cabin: 's1-trunk-gas' }), ['A1']);
  assert.deepEqual(ids({ priority: 'High' }), ['A2', 'A3']);
  assert.deepEqual(ids({ priority: 'High', state: 'Unacknowledged' }), ['A3']);
  assert.deepEqual(ids({ site: 's1', priority: 'Low' }), []);
});

test('a tunnel or cabin filter of another site or tunnel is dropped when the parent changes', () => {
  const index = {
    tunnels: new Map([['s1-trunk', { siteId: 's1' }], ['s2-trunk', { siteId: 's2' }]]),
    cabins: new Map([['s1-trunk-gas', { siteId: 's1', tunnelId: 's1-trunk' }]]),
  };
  assert.deepEqual(narrowFilters({ site: 's2', tunnel: 's1-trunk', cabin: 's1-trunk-gas' }, index), { site: 's2', tunnel: '', cabin: '' });
  assert.deepEqual(narrowFilters({ site: 's1', tunnel: 's1-trunk', cabin: 's1-trunk-gas' }, index), { site: 's1', tunnel: 's1-trunk', cabin: 's1-trunk-gas' });
});

test('a zone takes the colour of its worst annunciated alarm and flashes while that priority is unacknowledged', () => {
  const zone = 'c-z001';
  const list = [
    alarm('A1', 'High', 't', { zoneId: zone, state: 'Acknowledged' }),
    alarm('A2', 'Medium', 't', { zoneId: zone }),
    alarm('A3', 'Critical', 't', { zoneId: 'c-z002', state: 'Shelved' }),
    alarm('A4', 'Low', 't', { zoneId: 'c-z003', state: 'Suppressed' }),
    alarm('A5', 'Critical', 't', { zoneId: 'c-z004', state: 'Latched' }),
    alarm('A6', 'High', 't', { zoneId: 'c-z004', state: 'ReturnedUnacknowledged' }),
  ];
  const worst = worstByZone(list);
  assert.deepEqual(worst.get(zone), { priority: 'High', unacknowledged: false, count: 2 });
  assert.equal(statusClass(worst.get(zone)), 'st-high');
  assert.equal(worst.has('c-z002'), false, 'a shelved alarm does not colour its zone');
  assert.equal(worst.has('c-z003'), false, 'a suppressed alarm does not colour its zone');
  assert.equal(statusClass(worst.get('c-z002')), 'st-normal');
  assert.deepEqual(worst.get('c-z004'), { priority: 'Critical', unacknowledged: false, count: 2 });

  const flashing = worstByZone([alarm('B1', 'Critical', 't', { zoneId: zone, state: 'Acknowledged' }), alarm('B2', 'Critical', 't', { zoneId: zone })]);
  assert.equal(statusClass(flashing.get(zone)), 'st-critical st-unack');
  const lowerUnacked = worstByZone([alarm('C1', 'Critical', 't', { zoneId: zone, state: 'Acknowledged' }), alarm('C2', 'Low', 't', { zoneId: zone })]);
  assert.equal(statusClass(lowerUnacked.get(zone)), 'st-critical', 'only the worst priority decides the flashing');
  assert.deepEqual(worstByDevice([alarm('D1', 'Low', 't', { deviceId: 'd1' })]).get('d1'), { priority: 'Low', unacknowledged: true, count: 1 });
});

test('actions offered per state, and none for a viewer', () => {
  const actions = (state, extra = {}) => allowedActions({ state, ...extra }, true);
  assert.deepEqual(actions('Unacknowledged'), ['ack', 'shelve']);
  assert.deepEqual(actions('Unacknowledged', { lifeSafety: true }), ['ack']);
  assert.deepEqual(actions('Acknowledged'), ['shelve']);
  assert.deepEqual(actions('ReturnedUnacknowledged'), ['ack', 'shelve']);
  assert.deepEqual(actions('Latched', { lifeSafety: true }), ['reset']);
  assert.deepEqual(actions('Shelved'), ['unshelve']);
  assert.deepEqual(actions('Suppressed'), []);
  assert.deepEqual(actions('OutOfService'), []);
  assert.deepEqual(allowedActions({ state: 'Unacknowledged' }, false), []);
});

test('the tone sounds only for new critical and high alarms', () => {
  const change = (transition, priority, state = 'Unacknowledged') => ({ transition, priority, state });
  assert.equal(shouldSound(change('Raised', 'Critical')), true);
  assert.equal(shouldSound(change('Raised', 'High')), true);
  assert.equal(shouldSound(change('Reraised', 'High')), true);
  assert.equal(shouldSound(change('Raised', 'Medium')), false);
  assert.equal(shouldSound(change('Raised', 'Low')), false);
  assert.equal(shouldSound(change('Acknowledged', 'Critical', 'Acknowledged')), false);
  assert.equal(shouldSound(change('Cleared', 'Critical', 'ReturnedUnacknowledged')), false);
  assert.equal(shouldSound(change('Unshelved', 'Critical')), false);
  assert.equal(shouldSound(change('Raised', 'Critical', 'Shelved')), false, 'raised under a shelf: not annunciated');
  assert.equal(shouldSound(change('Raised', 'Critical', 'Suppressed')), false);
  assert.equal(shouldSound(undefined), false);
});
