// Tests of the console's incident list (src/Lifeline.Server/wwwroot/js/incident-sync.js) against a fake /api/incidents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IncidentSync } from '../../src/Lifeline.Server/wwwroot/js/incident-sync.js';

class FakeServer {
  constructor() { this.seq = 0; this.open = new Map(); this.requests = 0; }
  change(id, state) {
    const dto = { seq: ++this.seq, id, state };
    if (state === 'Open') this.open.set(id, dto); else this.open.delete(id);
    return dto;
  }
  async fetchJson(url) {
    assert.equal(url, '/api/incidents');
    this.requests += 1;
    return { seq: this.seq, open: [...this.open.values()], recentlyClosed: [] };
  }
}

const ids = sync => [...sync.open.keys()].sort();

test('pushes in order are applied; closed incidents leave the list', async () => {
  const server = new FakeServer();
  server.change('I1', 'Open');
  const sync = new IncidentSync({ fetchJson: u => server.fetchJson(u), onChange: () => {} });
  await sync.reload();
  sync.push(server.change('I2', 'Open'));
  sync.push(server.change('I1', 'Closed'));
  assert.deepEqual(ids(sync), ['I2']);
  assert.equal(sync.seq, 3);
  assert.equal(server.requests, 1);
});

test('pushes that arrive before the snapshot, duplicates and old ones are applied once, in order', async () => {
  const server = new FakeServer();
  const sync = new IncidentSync({ fetchJson: u => server.fetchJson(u), onChange: () => {} });
  sync.beginBuffering();
  const a = server.change('I1', 'Open');
  const b = server.change('I2', 'Open');
  sync.push(b);
  sync.push(a);
  await sync.reload();
  const c = server.change('I1', 'Closed');
  sync.push(c);
  sync.push(c);
  sync.push(a);
  assert.deepEqual(ids(sync), ['I2']);
  assert.equal(sync.seq, 3);
});

test('a gap in seq reloads the list, and the screen ends equal to the server', async () => {
  const server = new FakeServer();
  const sync = new IncidentSync({ fetchJson: u => server.fetchJson(u), onChange: () => {} });
  await sync.reload();
  server.change('I1', 'Open');
  server.change('I2', 'Open');
  const last = server.change('I1', 'Closed');
  sync.push(last);
  await sync.loading;
  assert.deepEqual(ids(sync), ['I2']);
  assert.equal(sync.seq, server.seq);
  assert.equal(server.requests, 2);
});
