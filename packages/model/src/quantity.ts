/**
 * Kubernetes resource quantities ("100m", "0.5", "128Mi", "1G", "1e3").
 * CPU is handled in millicores and memory in bytes, both as plain numbers.
 */

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const pattern = /^([+-]?[0-9.]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** True when `q` is a well-formed quantity and not negative (requests and capacities never are). */
export function isQuantity(q: string | number): boolean {
  if (typeof q === 'number') return Number.isFinite(q) && q >= 0;
  const m = pattern.exec(q);
  return !!m && Number(m[1]) >= 0;
}

/** The value of a quantity in base units (cores, bytes); throws on a malformed one. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = pattern.exec(q);
  if (!m || Number.isNaN(Number(m[1]))) throw new Error(`quantities must match the regular expression '${pattern.source}'`);
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in binary) return n * binary[suffix]!;
  if (suffix in decimal) return n * decimal[suffix]!;
  return n * 10 ** Number(suffix.slice(1));
}

/** CPU quantity in millicores, rounded up as Kubernetes does. */
export function milliCPU(q: string | number | undefined): number {
  return q === undefined ? 0 : Math.ceil(parseQuantity(q) * 1000 - 1e-9);
}

/** Memory quantity in bytes. */
export function bytes(q: string | number | undefined): number {
  return q === undefined ? 0 : Math.ceil(parseQuantity(q));
}

/** Formats millicores the way kubectl does ("250m", "2"). */
export function formatMilliCPU(m: number): string {
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** Formats bytes with the largest exact binary suffix ("128Mi"), as Kubernetes prints capacity. */
export function formatBytes(b: number): string {
  for (const s of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const f = binary[s]!;
    if (b >= f && b % f === 0) return `${b / f}${s}`;
  }
  return String(b);
}
