/**
 * IPv4 addresses and CIDR blocks as numbers (pure): parsing goes through ipaddr.js, and the
 * arithmetic (sizes, offsets, overlaps) is on unsigned 32-bit integers.
 */
import ipaddr from 'ipaddr.js';

/** An IPv4 CIDR block: its network address as a number and its prefix length. */
export interface Ipv4Cidr {
  /** The network address (host bits cleared), 0 to 2^32-1. */
  network: number;
  /** The prefix length, 0 to 32. */
  prefix: number;
}

/** A CIDR that does not parse as an IPv4 block in four-part decimal. */
export class CidrSyntaxError extends Error {
  override name = 'CidrSyntaxError';
}

/** The address as a number, or undefined unless `ip` is a four-part decimal IPv4 address. */
export function ipv4ToNumber(ip: string): number | undefined {
  if (!ipaddr.IPv4.isValidFourPartDecimal(ip)) return undefined;
  return ipaddr.IPv4.parse(ip).octets.reduce((n, o) => n * 256 + o, 0);
}

/** The dotted-quad text of an address number. */
export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Parses `a.b.c.d/n` (host bits are cleared: 10.96.0.5/16 is 10.96.0.0/16); throws CidrSyntaxError. */
export function parseIpv4Cidr(text: string): Ipv4Cidr {
  if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) throw new CidrSyntaxError(`"${text}" is not an IPv4 CIDR (like 10.96.0.0/16)`);
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(text);
  const size = 2 ** (32 - prefix);
  const n = ipv4ToNumber(addr.toString())!;
  return { network: n - (n % size), prefix };
}

/** The canonical text of a block (`10.96.0.0/16`). */
export function formatIpv4Cidr(c: Ipv4Cidr): string {
  return `${numberToIpv4(c.network)}/${c.prefix}`;
}

/** How many addresses the block spans, network and broadcast included. */
export function cidrSize(c: Ipv4Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** Whether the address number lies in the block. */
export function cidrContains(c: Ipv4Cidr, ip: number): boolean {
  return ip >= c.network && ip < c.network + cidrSize(c);
}

/** Whether two blocks share any address (one then contains the other). */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return cidrContains(a, b.network) || cidrContains(b, a.network);
}

/** Whether `s` is an IP address: IPv4 in four-part decimal, or IPv6. */
export function isIpAddress(s: string): boolean {
  return ipv4ToNumber(s) !== undefined || ipaddr.IPv6.isValid(s);
}
