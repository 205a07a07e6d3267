/** oclif's flag definitions from the flag tables of `flagspec.ts`. */
import { Flags } from '@oclif/core';
import type { BooleanFlag, OptionFlag } from '@oclif/core/interfaces';
import type { FlagSpec, FlagTable } from './flagspec.js';

type OclifOf<T extends FlagTable> = {
  [K in keyof T]: T[K] extends { kind: 'boolean' } ? BooleanFlag<boolean> : T[K] extends { default: string } ? OptionFlag<string> : OptionFlag<string | undefined>;
};

/** The table's flags as oclif defines them (same names, letters, environment variables, options and defaults). */
export function oclifFlags<T extends FlagTable>(table: T): OclifOf<T> {
  const one = ({ kind, ...s }: FlagSpec) => (kind === 'boolean' ? Flags.boolean(s as Parameters<typeof Flags.boolean>[0]) : Flags.string(s as Parameters<typeof Flags.string>[0]));
  return Object.fromEntries(Object.entries(table).map(([name, spec]) => [name, one(spec)])) as OclifOf<T>;
}
