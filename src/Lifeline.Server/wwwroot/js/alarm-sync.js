// Keeps the screen's alarm list equal to the server's: a snapshot with its seq, then every pushed change
// with a greater seq, in order. A gap in seq (dropped push, reconnect) is filled from /api/alarms/changes.
export class AlarmSync {
  constructor({ fetchJson, onChange }) {
    this.fetchJson = fetchJson;
    this.onChange = onChange;
    this.alarms = new Map();
    this.seq = 0;
    this.epoch = null;
    this.buffer = null;
    this.catchingUp = null;
    this.highestSeen = 0;
  }

  beginBuffering() {
    this.buffer = [];
  }

  async loadSnapshot() {
    const snapshot = await this.fetchJson('/api/alarms');
    this.alarms = new Map(snapshot.alarms.map(a => [a.id, a]));
    this.seq = snapshot.seq;
    this.epoch = snapshot.epoch;
    const buffered = this.buffer || [];
    this.buffer = null;
    buffered.filter(c => c.seq > this.seq).sort((a, b) => a.seq - b.seq).forEach(c => this.push(c));
    this.onChange();
  }

  push(change) {
    if (this.buffer) { this.buffer.push(change); return; }
    this.highestSeen = Math.max(this.highestSeen, change.seq);
    if (change.seq <= this.seq) return;
    if (change.seq > this.seq + 1) { this.catchUp(); return; }
    this.apply(change);
    this.onChange();
  }

  apply(change) {
    if (change.state === 'Normal') this.alarms.delete(change.id); else this.alarms.set(change.id, change);
    this.seq = change.seq;
  }

  catchUp() {
    if (!this.catchingUp) {
      this.catchingUp = this.doCatchUp().finally(() => {
        this.catchingUp = null;
        // A push that arrived while the request was under way may be newer than what it returned.
        if (this.highestSeen > this.seq) this.catchUp();
      });
    }
    return this.catchingUp;
  }

  async doCatchUp() {
    // The epoch tells a restarted server (whose seq began again at 0) from the one the screen knew.
    const epoch = this.epoch ? `&epoch=${encodeURIComponent(this.epoch)}` : '';
    const result = await this.fetchJson(`/api/alarms/changes?since=${this.seq}${epoch}`);
    if (result.truncated) { this.beginBuffering(); await this.loadSnapshot(); return; }
    result.changes.filter(c => c.seq > this.seq).forEach(c => this.apply(c));
    this.onChange();
  }
}
