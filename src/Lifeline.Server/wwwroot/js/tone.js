// The alarm tone: generated with Web Audio (no sound file), a three-pulse 880/660 Hz pattern for critical alarms and
// two pulses for high ones. Mute is persisted per browser. Browsers start audio only after a user gesture, so the
// context is resumed on the first click or key press anywhere on the page.
const MUTE_KEY = 'lifeline.muted';

export class AlarmTone {
  constructor(storage = globalThis.localStorage) {
    this.storage = storage;
    this.context = null;
    this.played = 0;
    this.muted = storage?.getItem(MUTE_KEY) === 'true';
  }

  setMuted(muted) {
    this.muted = muted;
    this.storage?.setItem(MUTE_KEY, String(muted));
  }

  unlock() {
    const AudioContextType = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!AudioContextType) return;
    this.context ??= new AudioContextType();
    if (this.context.state === 'suspended') this.context.resume().catch(() => {});
  }

  play(priority) {
    if (this.muted) return false;
    this.unlock();
    this.played += 1;
    const ctx = this.context;
    if (!ctx) return false;
    const pulses = priority === 'Critical' ? 3 : 2;
    const start = ctx.currentTime + 0.02;
    for (let i = 0; i < pulses; i++) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = i % 2 === 0 ? 880 : 660;
      const t = start + i * 0.28;
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(0.15, t + 0.01);
      gain.gain.setValueAtTime(0.15, t + 0.2);
      gain.gain.linearRampToValueAtTime(0, t + 0.22);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.25);
    }
    return true;
  }
}
