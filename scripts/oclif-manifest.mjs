#!/usr/bin/env node
// Writes @wharf/cli's oclif.manifest.json (what `oclif manifest` does): the commands' ids, flags,
// args and help in one file, so that `wharf get pods` imports get.js alone instead of every
// command module to learn what commands there are (0.9 s -> see bench/README.md). `npm run build`
// writes it into the checkout's packages/cli; scripts/package.mjs into the artifact's stage.
//   node scripts/oclif-manifest.mjs [CLI_PACKAGE_DIR]
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Writes `<cli>/oclif.manifest.json` from the compiled commands under it; returns how many commands it lists. */
export async function writeOclifManifest(cli) {
  const { Plugin } = await import('@oclif/core');
  const plugin = new Plugin({ root: cli, type: 'core', ignoreManifest: true, errorOnManifestCreate: true });
  await plugin.load();
  const n = Object.keys(plugin.manifest.commands).length;
  if (n === 0) throw new Error(`oclif-manifest: oclif found no wharf commands under ${cli} (is it built?)`);
  writeFileSync(join(cli, 'oclif.manifest.json'), JSON.stringify(plugin.manifest));
  return n;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cli = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'packages', 'cli'));
  await writeOclifManifest(cli);
}
