/**
 * fast-check arbitraries of hostile scalars: the strings, numbers, path segments, query values
 * and header values the fuzz suite (test/fuzz.test.ts) builds its requests from.
 */
import fc from 'fast-check';

/** Names an object may not safely take as a key: Object.prototype's members and its neighbours. */
export const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'] as const;

/** Strings that mean something to a parser: numbers out of range, encodings, separators. */
const TRICKY = [
  '', ' ', '%', '%zz', '%00', '%2e%2e', '%2F', '..', '.', '/', '\\', '~', '*', '?', '#', '&', '=', '+', ';', ',', '!', '\u0000', '\uffff', '\ud800',
  'null', 'undefined', 'NaN', 'Infinity', '-Infinity', '-1', '0', '00', '1.5', '1e400', '1e-400', '0x10', ' 1', '1 ', '+1', '99999999999999999999', '-99999999999999999999', '9007199254740993', '2147483648',
  'true', 'false', 'True', 'yes', '[]', '{}', '{"a":1}', 'a=b', 'a in (b', 'a,,b', '!a!', '=', '==', '!=', 'a=b=c', ' in (x)', 'metadata.name=', 'spec.nodeName!=x',
  ...PROTO_NAMES,
];

/** Any string a hostile client might send: short random text, unicode, the tricky ones, or a very long one. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 16 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 20_000 }).map((n) => 'a'.repeat(n)) },
);

/** Printable ASCII only: what a header value may hold. */
export const headerText: fc.Arbitrary<string> = fc.oneof(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }), fc.constantFrom(...TRICKY.filter((t) => /^[\x20-\x7e]*$/.test(t))));

/** A DNS-1123 name such as Kubernetes objects have. */
export const dnsName: fc.Arbitrary<string> = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);

/** Integers where Kubernetes wants one: in range, at every bound, past them, fractional, or not a number. */
export const intish: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -5, max: 70_000 }) },
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 80, 65535, 65536, 30000, 32767, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER, 1.5, -0.5, 1e300, -1e300, 5e-324) },
  { weight: 1, arbitrary: fc.constantFrom('80', 'http', '', null, true, [], {}, 'x'.repeat(20)) },
);

/** Percent-encodes `t`, dropping lone surrogates (which no URL can carry). */
export const encode = (t: string): string => encodeURIComponent(t.replace(/[\ud800-\udfff]/g, ''));

/** One path segment: an existing name, a random one, an inherited member's name, or an encoded trick. */
export function segment(existing: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...existing) },
    { weight: 2, arbitrary: dnsName },
    { weight: 1, arbitrary: fc.constantFrom(...PROTO_NAMES) },
    { weight: 2, arbitrary: text.map(encode) },
    { weight: 1, arbitrary: fc.constantFrom('%2e%2e', '..', '.', '%2F', 'a%2Fb', '%zz', '%', '%00', 'a%20b', '~1', '%E2%82', 'A', 'UPPER', '-a', 'a-') },
  );
}

/** A query value: as sent raw (tricky but URL-legal) or percent-encoded. */
export const queryValue: fc.Arbitrary<string> = fc.oneof(
  text.map(encode),
  fc.constantFrom('', '%zz', '%', 'a%00b', '1%20', '0', '1', 'All', 'Strict', 'Warn', 'Ignore', 'Orphan', 'Foreground', 'Background', 'None', 'Object', 'Metadata', 'c', '10m', '1h', '2020-01-01T00:00:00Z', '99999999d'),
  fc.constantFrom('involvedObject.name%3Dweb-1', 'involvedObject.name%3Dx%2CinvolvedObject.namespace%3Dempty', 'involvedObject.kind%3DNode', 'status.phase%3DRunning', 'spec.nodeName%3Dnode-1', 'metadata.name!%3Dx', 'app%3Dweb', 'app%20in%20(web%2Cdb)', '!app', 'app'),
);
