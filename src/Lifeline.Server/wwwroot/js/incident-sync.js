// Keeps the screen's incidents equal to the server's: GET /api/incidents ({seq, open, recentlyClosed}), then every
// IncidentChanged with a greater seq. A gap in seq (a dropped push, a reconnect) reloads the list.
// Pure module (no DOM): tested in node (tests/console/incident-sync.test.mjs).
export class IncidentSync {
  constructor({ fetchJson, onChange }) {
    this.fetchJson = fetchJson;
    this.onChange = onChange;
    this.open = new Map();
    this.seq = 0;
    this.buffer = null;
    this.loading = null;
  }

  // Pushes that arrive before the snapshot are kept and applied on top of it.
  beginBuffering() {
    this.buffer = [];
  }

  reload() {
    if (!this.loading) {
      if (!this.buffer) this.buffer = [];
      this.loading = this.load().finally(() => { this.loading = null; });
    }
    return this.loading;
  }

  async load() {
    try {
      const snapshot = await this.fetchJson('/api/incidents');
      this.open = new Map(snapshot.open.map(i => [i.id, i]));
      this.seq = snapshot.seq;
    } finally {
      const buffered = this.buffer || [];
      this.buffer = null;
      buffered.sort((a, b) => a.seq - b.seq).forEach(i => this.push(i));
    }
    this.onChange();
  }

  push(incident) {
    if (this.buffer) { this.buffer.push(incident); return; }
    if (incident.seq <= this.seq) return;
    if (incident.seq > this.seq + 1) { this.reload(); return; }
    if (incident.state === 'Open') this.open.set(incident.id, incident); else this.open.delete(incident.id);
    this.seq = incident.seq;
    this.onChange();
  }
}
