/** Reading manifests for -f: files, directories and stdin; multi-document YAML and JSON; List expansion. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KObject } from '@wharf/model';
import { CliError } from './errors.js';

/** One object read from a manifest, with the file (or "STDIN") it came from. */
export interface Manifest {
  source: string;
  object: KObject;
}

const EXTENSIONS = /\.(ya?ml|json)$/i;

/** Parses every document of `text` (YAML or JSON); skips empty documents; expands `kind: List`; throws CliError on bad input. */
export function parseManifests(text: string, source: string): Manifest[] {
  const out: Manifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new CliError(`error parsing ${source}: ${doc.errors[0]!.message.split('\n')[0]}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    for (const o of expand(value, source)) out.push({ source, object: o });
  }
  return out;
}

function expand(value: unknown, source: string): KObject[] {
  if (typeof value !== 'object' || Array.isArray(value)) throw new CliError(`error parsing ${source}: a document must be an object with apiVersion, kind and metadata`);
  const o = value as Record<string, unknown>;
  if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) return o.items.flatMap((i) => expand(i, source));
  if (typeof o.kind !== 'string' || !o.kind) throw new CliError(`error validating data from ${source}: kind not set`);
  if (typeof o.apiVersion !== 'string' || !o.apiVersion) throw new CliError(`error validating data from ${source}: apiVersion not set`);
  const meta = o.metadata as Record<string, unknown> | undefined;
  if (!meta || typeof meta !== 'object' || (!meta.name && !meta.generateName)) throw new CliError(`error validating data from ${source}: metadata.name not set`);
  return [o as KObject];
}

/** The files `path` names: itself, or the *.yaml, *.yml and *.json directly in it (sorted). */
export async function expandPath(path: string): Promise<string[]> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new CliError(`the path "${path}" does not exist`);
  }
  if (!st.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => EXTENSIONS.test(n)).sort();
  return names.map((n) => join(path, n));
}

/** Reads all of a readable stream (stdin) as text. */
export async function readAll(stream: AsyncIterable<Buffer | string>): Promise<string> {
  let s = '';
  for await (const chunk of stream) s += chunk.toString();
  return s;
}

/** A manifest batch: the objects read, and the errors of files that could not be read or parsed. */
export interface ManifestBatch {
  manifests: Manifest[];
  errors: CliError[];
}

/** Reads every -f argument ("-" is stdin); a bad file is reported in `errors` and the rest are still read. */
export async function readManifests(paths: string[], stdin: AsyncIterable<Buffer | string> = process.stdin): Promise<ManifestBatch> {
  const batch: ManifestBatch = { manifests: [], errors: [] };
  for (const p of paths) {
    try {
      const files = p === '-' ? ['-'] : await expandPath(p);
      for (const f of files) {
        const text = f === '-' ? await readAll(stdin) : await readFile(f, 'utf8');
        batch.manifests.push(...parseManifests(text, f === '-' ? 'STDIN' : f));
      }
    } catch (e) {
      batch.errors.push(e instanceof CliError ? e : new CliError((e as Error).message));
    }
  }
  return batch;
}
