import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes, formatBytes, formatMilliCPU, isQuantity, milliCPU, parseQuantity } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1],
    ['0.5', 0.5],
    ['2', 2],
    ['+2', 2],
    ['1.', 1],
    ['250u', 250e-6],
    ['5n', 5e-9],
    ['1k', 1e3],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1Ki', 1024],
    ['128Mi', 128 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['2Ti', 2 * 2 ** 40],
    ['1e3', 1000],
    ['1E3', 1000],
    ['5e-1', 0.5],
    ['1e+2', 100],
  ])('given %j, reads it as %d base units', (q, value) => {
    expect(isQuantity(q)).toBe(true);
    expect(parseQuantity(q)).toBeCloseTo(value, 12);
  });

  it('given a number, takes it as it is', () => {
    expect(parseQuantity(3)).toBe(3);
    expect(isQuantity(0.25)).toBe(true);
  });

  it.each(['', '.', 'abc', 'Mi', '1K', '1Kb', '1 Gi', ' 1', '1.2.3', '1e', '0x10', '1mi', '1Gi2'])('given the malformed quantity %j, rejects it', (q) => {
    expect(isQuantity(q)).toBe(false);
    expect(() => parseQuantity(q)).toThrow(/quantities must match the regular expression/);
  });

  it('given a non-finite or negative number, says it is no quantity', () => {
    expect(isQuantity(-1)).toBe(false);
    expect(isQuantity(Number.NaN)).toBe(false);
    expect(isQuantity(Number.POSITIVE_INFINITY)).toBe(false);
  });

  it('given a negative quantity string, says it is no quantity, as a request or a capacity may not be negative', () => {
    expect(isQuantity('-1')).toBe(false);
    expect(isQuantity('-100m')).toBe(false);
    expect(isQuantity('-1Gi')).toBe(false);
  });

  it('property: whatever isQuantity accepts parses to a non-negative number, and whatever fails to parse it rejects', () => {
    const text = fc.string({ unit: fc.constantFrom(...'0123456789.+-eEkKMGTPiumn '), maxLength: 6 });
    fc.assert(
      fc.property(text, (q) => {
        let parsed: number | undefined;
        try {
          parsed = parseQuantity(q);
        } catch {
          expect(isQuantity(q)).toBe(false);
          return;
        }
        if (isQuantity(q)) expect(parsed).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('milliCPU', () => {
  it.each<[string | number | undefined, number]>([
    [undefined, 0],
    ['100m', 100],
    ['0.1', 100],
    ['1', 1000],
    [2, 2000],
    ['1.5m', 2],
    ['1e-3', 1],
    ['2500000u', 2500],
  ])('given %j, counts %d millicores (rounded up, as Kubernetes does)', (q, m) => {
    expect(milliCPU(q)).toBe(m);
  });
});

describe('bytes', () => {
  it.each<[string | number | undefined, number]>([
    [undefined, 0],
    ['1Ki', 1024],
    ['1.5Ki', 1536],
    ['128Mi', 134_217_728],
    ['1G', 1_000_000_000],
    ['0.5', 1],
    ['1m', 1],
    [4096, 4096],
  ])('given %j, counts %d bytes (rounded up)', (q, b) => {
    expect(bytes(q)).toBe(b);
  });
});

describe('formatMilliCPU', () => {
  it.each([
    [0, '0'],
    [250, '250m'],
    [1000, '1'],
    [1500, '1500m'],
    [64_000, '64'],
  ])('given %d millicores, prints %j as kubectl does', (m, s) => {
    expect(formatMilliCPU(m)).toBe(s);
  });

  it('property: parsing the printed value gives the millicores back', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), (m) => milliCPU(formatMilliCPU(m)) === m),
      { numRuns: 300 },
    );
  });

  it('property: any millicore or core quantity, printed and parsed again, keeps its value', () => {
    const cpu = fc.oneof(fc.nat({ max: 1_000_000 }).map((n) => `${n}m`), fc.nat({ max: 1000 }).map(String), fc.integer({ min: 1, max: 9999 }).map((n) => `${n / 10}`));
    fc.assert(
      fc.property(cpu, (q) => milliCPU(formatMilliCPU(milliCPU(q))) === milliCPU(q)),
      { numRuns: 300 },
    );
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0'],
    [1000, '1000'],
    [1024, '1Ki'],
    [1536, '1536'],
    [128 * 2 ** 20, '128Mi'],
    [3 * 2 ** 30, '3Gi'],
    [2 ** 40 + 2 ** 30, '1025Gi'],
    [1_000_000_000, '1000000000'],
  ])('given %d bytes, prints %j with the largest exact binary suffix', (b, s) => {
    expect(formatBytes(b)).toBe(s);
  });

  it('property: parsing the printed value gives the bytes back', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (b) => bytes(formatBytes(b)) === b),
      { numRuns: 300 },
    );
  });

  it('property: any memory quantity, printed and parsed again, keeps its value', () => {
    const suffix = fc.constantFrom('', 'k', 'M', 'G', 'Ki', 'Mi', 'Gi', 'Ti');
    const memory = fc.tuple(fc.nat({ max: 100_000 }), suffix).map(([n, s]) => `${n}${s}`);
    fc.assert(
      fc.property(memory, (q) => bytes(formatBytes(bytes(q))) === bytes(q)),
      { numRuns: 300 },
    );
  });
});
