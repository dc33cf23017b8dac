// Sensor trend with uPlot: min–max band and mean per bucket, the alarm limits as dashed lines, and the sensor's alarm
// transitions as vertical markers (red when raised, grey when cleared, dark when acknowledged or reset).
import uPlot from 'uplot';

export const TREND_RANGES = {
  '1h': { ms: 3600e3, every: '30s' },
  '8h': { ms: 8 * 3600e3, every: '2m' },
  '24h': { ms: 24 * 3600e3, every: '5m' },
  '7d': { ms: 7 * 24 * 3600e3, every: '1h' },
};

const MARK_COLOURS = { Raised: '#d0021b', Reraised: '#d0021b', Cleared: '#6b6b6b' };

// 24-hour times; with the date once the range passes a day.
function timeLabel(seconds, rangeMs) {
  const d = new Date(seconds * 1000);
  const pad = n => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return rangeMs > 24 * 3600e3 ? `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

export function drawTrend(container, history, { from, to, limits, transitions }) {
  container.replaceChildren();
  const xs = history.buckets.map(b => Date.parse(b.t) / 1000);
  const data = [
    xs,
    history.buckets.map(b => b.min),
    history.buckets.map(b => b.mean),
    history.buckets.map(b => b.max),
  ];
  const width = Math.max(280, container.clientWidth || 600);
  const options = {
    width,
    height: 220,
    scales: { x: { time: true, min: from.getTime() / 1000, max: to.getTime() / 1000 } },
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    axes: [
      { stroke: '#333', grid: { stroke: '#cfcfcf' }, values: (u, splits) => splits.map(s => timeLabel(s, to - from)) },
      { stroke: '#333', grid: { stroke: '#cfcfcf' } },
    ],
    series: [
      {},
      { label: 'min', stroke: '#9a9a9a', width: 1 },
      { label: 'mean', stroke: '#1e1e1e', width: 2 },
      { label: 'max', stroke: '#9a9a9a', width: 1 },
    ],
    bands: [{ series: [3, 1], fill: 'rgba(90,90,90,0.15)' }],
    hooks: {
      draw: [u => {
        const ctx = u.ctx;
        ctx.save();
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
        for (const rule of limits) {
          const y = u.valToPos(rule.limit, 'y', true);
          if (y < u.bbox.top || y > u.bbox.top + u.bbox.height) continue;
          ctx.strokeStyle = rule.priority === 'Critical' ? '#d0021b' : rule.priority === 'High' ? '#f57c00' : '#8a7400';
          ctx.beginPath();
          ctx.moveTo(u.bbox.left, y);
          ctx.lineTo(u.bbox.left + u.bbox.width, y);
          ctx.stroke();
        }
        ctx.setLineDash([]);
        for (const mark of transitions) {
          const x = u.valToPos(Date.parse(mark.changedAt) / 1000, 'x', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.strokeStyle = MARK_COLOURS[mark.transition] ?? '#333';
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      }],
    },
  };
  // Keep the limits in view even when the values stay far from them.
  const values = history.buckets.flatMap(b => [b.min, b.max]).filter(v => v !== null && v !== undefined);
  const all = [...values, ...limits.map(r => r.limit)];
  if (all.length > 0) {
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
    options.scales.y = { range: [lo - pad, hi + pad] };
  }
  return new uPlot(options, data, container);
}
