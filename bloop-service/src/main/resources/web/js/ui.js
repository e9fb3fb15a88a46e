// Shared bits of the dashboard: the htm template tag, formatting, and small components.
// Everything from the server is rendered as text by Preact (never innerHTML).
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import uPlot from 'uplot';

export const html = htm.bind(h);

export function ago(ms) {
  if (!ms) return '—';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

export function when(ms) {
  return ms ? new Date(ms).toLocaleString() : '—';
}

export function count(n) {
  return n == null ? '—' : Number(n).toLocaleString();
}

// An in-app link: a real href (open in a new tab works), navigated without a page load.
export function Link({ to, navigate, children, ...rest }) {
  return html`<a href=${to} ...${rest} onClick=${(e) => { e.preventDefault(); navigate(to); }}>${children}</a>`;
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

export function Empty({ title, children }) {
  return html`<div class="empty"><h3>${title}</h3>${children}</div>`;
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

// Hourly counts as a bar chart (uPlot), oldest first.
export function TrendChart({ points, height = 160 }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!ref.current || !points) return undefined;
    const xs = points.map((p) => p.hour_bucket / 1000);
    const ys = points.map((p) => p.count);
    const chart = new uPlot({
      width: Math.max(300, ref.current.clientWidth || 600),
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{}, { size: 50 }],
      series: [{}, { label: 'events', stroke: '#3b5bdb', fill: 'rgba(59,91,219,0.35)', points: { show: false }, paths: uPlot.paths.bars({ size: [0.8, 24] }) }],
    }, [xs, ys], ref.current);
    return () => chart.destroy();
  }, [points]);
  return html`<div class="chart" ref=${ref}></div>`;
}
