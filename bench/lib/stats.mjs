// Latency and rate figures for benchmarks.

/** Percentile (0..100) of a list of numbers. */
export function pct(values, p) {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Runs `task(i)` for i < n with `concurrency` in flight; returns per-call latencies (ms) and rate. */
export async function closedLoop(n, concurrency, task) {
  const lat = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      const s = performance.now();
      await task(i);
      lat.push(performance.now() - s);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  return { n, rate: n / secs, p50: pct(lat, 50), p99: pct(lat, 99) };
}

/** Starts `task(i)` at a fixed `rate` per second for `seconds`; returns latencies and achieved rate. */
export async function openLoop(rate, seconds, task) {
  const lat = [];
  const n = Math.round(rate * seconds);
  const t0 = performance.now();
  const inflight = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const s = performance.now();
    inflight.push(task(i).then(() => lat.push(performance.now() - s)));
  }
  await Promise.all(inflight);
  const secs = (performance.now() - t0) / 1000;
  return { n, rate: n / secs, p50: pct(lat, 50), p99: pct(lat, 99) };
}

/** Prints rows as an aligned table. */
export function printTable(rows) {
  const keys = Object.keys(rows[0]);
  const w = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  console.log(keys.map((k, i) => k.padEnd(w[i])).join('  '));
  for (const r of rows) console.log(keys.map((k, i) => String(r[k]).padEnd(w[i])).join('  '));
}

export const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
