// Tests of the console's alarm synchronisation (src/Lifeline.Server/wwwroot/js/alarm-sync.js) against a fake server
// that behaves like the REST contract: /api/alarms → {seq, alarms}, /api/alarms/changes?since= → {seq, truncated, changes}.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlarmSync } from '../../src/Lifeline.Server/wwwroot/js/alarm-sync.js';

class FakeServer {
  constructor(keep = 1000) { this.log = []; this.alarms = new Map(); this.keep = keep; this.requests = []; this.epoch = 'e1'; }
  get seq() { return this.log.length; }
  change(id, state) {
    const dto = { seq: this.seq + 1, id, state };
    this.log.push(dto);
    if (state === 'Normal') this.alarms.delete(id); else this.alarms.set(id, dto);
    return dto;
  }
  async fetchJson(url) {
    this.requests.push(url);
    if (url === '/api/alarms') return { epoch: this.epoch, seq: this.seq, alarms: [...this.alarms.values()] };
    const query = new URL(url, 'http://x').searchParams;
    const since = Number(query.get('since'));
    const epoch = query.get('epoch');
    const truncated = (epoch !== null && epoch !== this.epoch) || since > this.seq || this.seq - since > this.keep;
    if (truncated) return { epoch: this.epoch, seq: this.seq, truncated: true, changes: [] };
    return { epoch: this.epoch, seq: this.seq, truncated: false, changes: this.log.slice(since) };
  }
}

function create(server) {
  let renders = 0;
  const sync = new AlarmSync({ fetchJson: url => server.fetchJson(url), onChange: () => { renders++; } });
  return { sync, renders: () => renders };
}

const ids = sync => [...sync.alarms.keys()].sort();

test('snapshot then pushes in seq order give the server state', async () => {
  const server = new FakeServer();
  server.change('A1', 'Unacknowledged');
  const { sync } = create(server);
  sync.beginBuffering();
  await sync.loadSnapshot();
  sync.push(server.change('A2', 'Unacknowledged'));
  sync.push(server.change('A1', 'Acknowledged'));
  assert.equal(sync.seq, 3);
  assert.deepEqual(ids(sync), ['A1', 'A2']);
  assert.equal(sync.alarms.get('A1').state, 'Acknowledged');
});

test('pushes that arrive before the snapshot are buffered; only newer ones are applied', async () => {
  const server = new FakeServer();
  const { sync } = create(server);
  sync.beginBuffering();
  const early = server.change('A1', 'Unacknowledged');      // already in the snapshot
  sync.push(early);
  const snapshotPromise = sync.loadSnapshot();
  const late = server.change('A1', 'Acknowledged');          // pushed while the snapshot request is under way
  sync.push(late);
  await snapshotPromise;
  assert.equal(sync.seq, 2);
  assert.equal(sync.alarms.get('A1').state, 'Acknowledged');
});

test('a change that ends the alarm removes it; old and duplicate seqs are ignored', async () => {
  const server = new FakeServer();
  const { sync } = create(server);
  sync.beginBuffering();
  await sync.loadSnapshot();
  const raised = server.change('A1', 'Unacknowledged');
  sync.push(raised);
  sync.push(server.change('A1', 'ReturnedUnacknowledged'));
  sync.push(server.change('A1', 'Normal'));
  sync.push(raised);                                          // a late duplicate must not resurrect it
  assert.deepEqual(ids(sync), []);
  assert.equal(sync.seq, 3);
});

test('a gap in seq is filled from changes?since before the screen moves on', async () => {
  const server = new FakeServer();
  const { sync } = create(server);
  sync.beginBuffering();
  await sync.loadSnapshot();
  server.change('A1', 'Unacknowledged');                      // this push is lost
  server.change('A2', 'Unacknowledged');                      // and this one
  sync.push(server.change('A3', 'Unacknowledged'));           // seq 3 arrives: gap after 0
  await sync.catchUp();
  assert.equal(sync.seq, 3);
  assert.deepEqual(ids(sync), ['A1', 'A2', 'A3']);
  assert.ok(server.requests.includes('/api/alarms/changes?since=0&epoch=e1'));
});

test('after a reconnect, catchUp applies everything missed while away', async () => {
  const server = new FakeServer();
  server.change('A1', 'Unacknowledged');
  const { sync } = create(server);
  sync.beginBuffering();
  await sync.loadSnapshot();
  server.change('A1', 'Acknowledged');
  server.change('A1', 'Normal');
  server.change('A2', 'Unacknowledged');
  await sync.catchUp();
  assert.equal(sync.seq, 4);
  assert.deepEqual(ids(sync), ['A2']);
});

test('when the server no longer holds the missed changes, the full list is reloaded', async () => {
  const server = new FakeServer(2);
  const { sync } = create(server);
  sync.beginBuffering();
  await sync.loadSnapshot();
  for (let i = 1; i <= 5; i++) server.change(`A${i}`, 'Unacknowledged');
  server.change('A1', 'Acknowledged');
  server.change('A1', 'Normal');
  await sync.catchUp();
  assert.ok(server.requests.filter(r => r === '/api/alarms').length >= 2, 'snapshot reloaded');
  assert.equal(sync.seq, 7);
  assert.deepEqual(ids(sync), ['A2', 'A3', 'A4', 'A5']);
});

test('a push newer than what a running catch-up returned triggers another catch-up', async () => {
  const server = new FakeServer();
  const { sync } = create(server);
  sync.beginBuffering();
  await sync.loadSnapshot();
  server.change('A1', 'Unacknowledged');
  const gap = server.change('A2', 'Unacknowledged');
  const slow = server.fetchJson.bind(server);
  let release;
  const gate = new Promise(r => { release = r; });
  server.fetchJson = async (url) => { const result = await slow(url); await gate; return result; };
  sync.push(gap);                                             // starts a catch-up that will return seq 2
  server.fetchJson = slow;
  server.change('A3', 'Unacknowledged');                      // lost
  sync.push(server.change('A4', 'Unacknowledged'));           // arrives while the first catch-up is pending
  release();
  await sync.catchingUp;
  while (sync.catchingUp) await sync.catchingUp;
  assert.equal(sync.seq, 4);
  assert.deepEqual(ids(sync), ['A1', 'A2', 'A3', 'A4']);
});

test('after a server restart (new epoch, seq from 0) the screen reloads instead of trusting old seqs', async () => {
  const before = new FakeServer();
  before.epoch = 'run-1';
  for (let i = 1; i <= 6; i++) before.change(`OLD${i}`, 'Unacknowledged');
  let server = before;
  const sync = new AlarmSync({ fetchJson: url => server.fetchJson(url), onChange: () => {} });
  sync.beginBuffering();
  await sync.loadSnapshot();
  assert.equal(sync.epoch, 'run-1');

  // The server restarts: in-memory alarms are gone, a new epoch counts from 0 and is already past the old seq.
  const after = new FakeServer();
  after.epoch = 'run-2';
  for (let i = 1; i <= 8; i++) after.change(`NEW${i}`, 'Unacknowledged');
  server = after;
  await sync.catchUp();                                       // what the page does on reconnect

  assert.equal(sync.epoch, 'run-2');
  assert.equal(sync.seq, 8);
  assert.deepEqual(ids(sync), ['NEW1', 'NEW2', 'NEW3', 'NEW4', 'NEW5', 'NEW6', 'NEW7', 'NEW8']);
});
