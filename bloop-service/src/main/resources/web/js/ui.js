// Shared bits of the dashboard: the htm template tag, formatting, and small components.
// Everything from the server is rendered as text by Preact (never innerHTML).
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import uPlot from 'uplot';
import { api, scoped } from './api.js';

export const html = htm.bind(h);

// Short relative time ("now", "5m ago", "3h ago", "2d ago", "4mo ago"); the exact time goes in a title.
export function ago(ms) {
  if (!ms) return '—';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 45) return 'now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  if (s < 86400 * 60) return `${Math.round(s / 86400)}d ago`;
  if (s < 86400 * 365) return `${Math.round(s / (86400 * 30))}mo ago`;
  return `${Math.round(s / (86400 * 365))}y ago`;
}

export function when(ms) {
  return ms ? new Date(ms).toLocaleString() : '—';
}

export function count(n) {
  return n == null ? '—' : Number(n).toLocaleString();
}

export function plural(n, one, many) {
  return `${count(n)} ${n === 1 ? one : many || `${one}s`}`;
}

// A relative time that never wraps, with the exact time on hover.
export function Ago({ ms }) {
  return html`<time class="ago" datetime=${ms ? new Date(ms).toISOString() : undefined} title=${when(ms)}>${ago(ms)}</time>`;
}

// A line of facts joined by " · " in one text node: htm drops white space next to line breaks in
// templates, so separators written between template lines would lose their spaces.
export function Meta({ parts, ...rest }) {
  return html`<span ...${rest}>${parts.filter((p) => p !== null && p !== undefined && p !== false && p !== '').join(' · ')}</span>`;
}

// The browser tab's title: the page's own words first, then "bloop".
export function useTitle(...parts) {
  const title = [...parts.filter(Boolean), 'bloop'].join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}

// An in-app link: a real href (open in a new tab works), navigated without a page load.
export function Link({ to, navigate, children, ...rest }) {
  const go = (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; // a new tab or window
    e.preventDefault();
    navigate(to);
  };
  return html`<a href=${to} ...${rest} onClick=${go}>${children}</a>`;
}

export function Status({ status }) {
  return html`<span class=${`status status-${status}`}>${status}</span>`;
}

export function Problem({ error }) {
  if (!error) return null;
  return html`<p class="problem" role="alert">${error.message || String(error)}</p>`;
}

export function Loading() {
  return html`<p class="muted">Loading…</p>`;
}

export function Empty({ title, children, ...rest }) {
  return html`<div class="empty" ...${rest}><h3>${title}</h3>${children}</div>`;
}

export function Copy({ text, label }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
      setTimeout(() => setDone(false), 1500);
    } catch (e) {
      setDone(false);
    }
  };
  return html`<button type="button" class="copy" onClick=${copy}>${done ? 'Copied' : label || 'Copy'}</button>`;
}

// Loads data with fn() and reloads it when deps change; returns [data, error, reload].
export function useLoad(fn, deps) {
  const [state, setState] = useState({ data: null, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    fn().then((data) => live && setState({ data, error: null }), (error) => live && setState({ data: null, error }));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return [state.data, state.error, () => setTick((t) => t + 1)];
}

// Bars with their share of a whole, e.g. a tag's values: [{label, count}], total.
export function Bars({ rows, total, ...rest }) {
  return html`<table class="bars" ...${rest}><tbody>${rows.map((r) => {
    const pct = total ? (100 * r.count) / total : 0;
    return html`<tr><td class="label">${r.label}</td>
      <td class="bar"><div class="fill" style=${{ width: `${Math.max(pct, 0.5).toFixed(1)}%` }}></div></td>
      <td class="num pct">${pct >= 10 || pct === 0 ? Math.round(pct) : pct.toFixed(1)}%</td>
      <td class="num muted">${count(r.count)}</td></tr>`;
  })}</tbody></table>`;
}

// The chart ranges: how many hours are read and how many hours each bar holds.
export const RANGES = [['24h', '24 h', 24, 1], ['7d', '7 d', 168, 6], ['30d', '30 d', 720, 24]];

// Hourly points summed into bars of `size` hours, aligned on local midnight.
function bucket(points, size) {
  if (size === 1) return points.map((p) => [p.hour_bucket, p.count]);
  const out = new Map();
  for (const p of points) {
    const offset = new Date(p.hour_bucket).getTimezoneOffset() * 60000;
    const width = size * 3600000;
    const start = Math.floor((p.hour_bucket - offset) / width) * width + offset;
    out.set(start, (out.get(start) || 0) + p.count);
  }
  return [...out.entries()];
}

function label(ms, size) {
  const d = new Date(ms);
  const day = d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  if (size >= 24) return day;
  const hour = (x) => x.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return size === 1 ? `${day} ${hour(d)}` : `${day} ${hour(d)}–${hour(new Date(ms + size * 3600000))}`;
}

// Counts over time as bars (uPlot); hovering a bar shows its time and count in the legend.
export function TrendChart({ points, size = 1, height = 160 }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!ref.current || !points) return undefined;
    const bars = bucket(points, size);
    const xs = bars.map(([t]) => t / 1000);
    const ys = bars.map(([, c]) => c);
    const width = () => Math.max(260, ref.current.clientWidth || 600);
    const chart = new uPlot({
      width: width(),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: { time: true } },
      axes: [{}, { size: 50 }],
      series: [
        { label: 'time', value: (u, v) => (v == null ? 'hover a bar' : label(v * 1000, size)) },
        { label: 'events', stroke: '#3b5bdb', fill: 'rgba(59,91,219,0.35)', points: { show: false },
          value: (u, v) => (v == null ? '—' : count(v)), paths: uPlot.paths.bars({ size: [0.8, 24] }) },
      ],
    }, [xs, ys], ref.current);
    const resize = new ResizeObserver(() => chart.setSize({ width: width(), height }));
    resize.observe(ref.current);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [points, size]);
  return html`<div class="chart" ref=${ref}></div>`;
}

// A card with a trend and its range buttons; `path` is an hourly-counts endpoint taking ?hours=.
export function TrendCard({ title, path, initial = '24h', deps = [], id }) {
  const [range, setRange] = useState(initial);
  const [, , hours, size] = RANGES.find(([k]) => k === range);
  const [points] = useLoad(() => api('GET', scoped(`${path}?hours=${hours}`)), [...deps, path, hours]);
  const total = points ? points.reduce((a, p) => a + p.count, 0) : null;
  return html`<div class="card trend" id=${id}>
    <div class="card-head"><h3>${title}</h3>
      <div class="ranges" role="group" aria-label="Range">${RANGES.map(([k, text]) => html`<button type="button"
        class=${k === range ? 'on' : ''} aria-pressed=${k === range} data-range=${k} onClick=${() => setRange(k)}>${text}</button>`)}</div></div>
    ${points ? html`<p class="muted small">${plural(total, 'event')} in the last ${RANGES.find(([k]) => k === range)[1]}</p>
      <${TrendChart} points=${points} size=${size} />` : html`<${Loading} />`}
  </div>`;
}
