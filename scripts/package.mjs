#!/usr/bin/env node
// Makes dist/wharf-<version>.tgz from a built checkout (scripts/package.sh builds first): ONE npm
// package named `wharf` that `npm install -g ./wharf-<version>.tgz` (or `--prefix DIR`) installs
// completely and offline. It bundles the compiled workspace packages (@wharf/model ... @wharf/cli)
// and every production dependency at the version package-lock.json pins, copied from this
// checkout's node_modules; links the five commands; and carries deploy/ (systemd units,
// nats-server configs), scripts/install-deps.sh (as `wharf-install-deps`) and
// scripts/build-images.sh (as `wharf-build-images`, for the example images on each node).
//
// Everything is bundled, not only @wharf/*: in a global install npm nests a package's
// dependencies under its own node_modules and takes that whole subtree for the bundle, so
// dependencies named but not bundled are left as empty directories.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { writeOclifManifest } from './oclif-manifest.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'dist');
const STAGE = join(OUT, 'stage', 'wharf');
/** Files left out of the artifact: source maps, TypeScript sources and declarations, build info, specs, docs other than licences. */
const SKIP = /(\.map|\.tsbuildinfo|\.[cm]?ts|\.spec(-helper)?\.js|\.md|\.markdown)$/;
const LICENCE = /^(licen[cs]e|copying|notice)/i;
/** The checkout's scripts the artifact carries, by the command that runs each. */
const SCRIPTS = { 'wharf-install-deps': 'install-deps.sh', 'wharf-build-images': 'build-images.sh' };

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

/**
 * Pure: the lock paths (`node_modules/...`) of the third-party packages the artifact carries: every
 * production entry, without the workspace links and without optional ones (native speed-ups that
 * build on install: the code that loads them falls back without them).
 */
export function productionPaths(lock) {
  const nested = Object.entries(lock.packages).find(([path, e]) => /^packages\/[^/]+\/node_modules\//.test(path) && !e.dev);
  if (nested) throw new Error(`package: ${nested[0]} is installed inside its workspace; the artifact carries only the top node_modules: align the versions`);
  return Object.entries(lock.packages)
    .filter(([path, e]) => path.startsWith('node_modules/') && !e.dev && !e.link && !e.optional && !e.devOptional)
    .map(([path]) => path)
    .sort();
}

/** Pure: the staging package.json of the artifact, from the root manifest, the workspaces' manifests and the lock. */
export function artifactManifest(root, workspaces, lock) {
  const own = new Set(workspaces.map((w) => w.manifest.name));
  const deps = {};
  const bin = {};
  for (const { manifest } of workspaces) {
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      if (own.has(name)) continue;
      const version = lock.packages[`node_modules/${name}`]?.version;
      if (version === undefined) throw new Error(`package: ${manifest.name} depends on ${name}, which package-lock.json does not pin at the top: run npm install`);
      deps[name] = version;
    }
    for (const [cmd, file] of Object.entries(manifest.bin ?? {})) bin[cmd] = `node_modules/${manifest.name}/${file.replace(/^\.\//, '')}`;
  }
  for (const [cmd, script] of Object.entries(SCRIPTS)) bin[cmd] = `scripts/${script}`;
  for (const name of own) deps[name] = root.version;
  return {
    name: 'wharf',
    version: root.version,
    description: root.description,
    license: root.license,
    private: true,
    type: 'module',
    engines: root.engines,
    bin,
    dependencies: Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b))),
    bundleDependencies: true,
    files: ['deploy', 'scripts', 'README.md'],
  };
}

/** Pure: a workspace's manifest as bundled: no scripts or devDependencies, its version the release's. */
export function bundledManifest(manifest, version) {
  const { scripts: _s, devDependencies: _d, files: _f, ...rest } = manifest;
  const deps = Object.fromEntries(Object.entries(manifest.dependencies ?? {}).map(([n, v]) => [n, n.startsWith('@wharf/') ? version : v]));
  return { ...rest, version, dependencies: deps };
}

/** Copies a directory without SKIP's files (licences stay), nested node_modules (copied as their own lock entries) or, for a package with an install script, its native build output. */
function copyFiltered(from, to, { native = false } = {}) {
  cpSync(from, to, {
    recursive: true,
    filter: (src) => {
      const rel = relative(from, src);
      if (rel === 'node_modules' || (native && basename(rel) === 'build')) return false;
      return statSync(src).isDirectory() || LICENCE.test(basename(src)) || !SKIP.test(src);
    },
  });
}

function stage() {
  const root = readJson(join(ROOT, 'package.json'));
  const lock = readJson(join(ROOT, 'package-lock.json'));
  const workspaces = root.workspaces.map((dir) => ({ dir, manifest: readJson(join(ROOT, dir, 'package.json')) }));
  for (const { dir } of workspaces) {
    if (!existsSync(join(ROOT, dir, 'dist', 'index.js'))) throw new Error(`package: ${dir}/dist is missing: run npm run build first`);
  }
  rmSync(dirname(STAGE), { recursive: true, force: true });
  mkdirSync(STAGE, { recursive: true });
  const manifest = artifactManifest(root, workspaces, lock);
  writeFileSync(join(STAGE, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(ROOT, 'README.md'), join(STAGE, 'README.md'));
  for (const sub of ['systemd', 'nats']) cpSync(join(ROOT, 'deploy', sub), join(STAGE, 'deploy', sub), { recursive: true });
  mkdirSync(join(STAGE, 'scripts'));
  for (const script of Object.values(SCRIPTS)) {
    copyFileSync(join(ROOT, 'scripts', script), join(STAGE, 'scripts', script));
    chmodSync(join(STAGE, 'scripts', script), 0o755);
  }
  for (const { dir, manifest: m } of workspaces) {
    const to = join(STAGE, 'node_modules', m.name);
    mkdirSync(to, { recursive: true });
    writeFileSync(join(to, 'package.json'), `${JSON.stringify(bundledManifest(m, root.version), null, 2)}\n`);
    copyFiltered(join(ROOT, dir, 'dist'), join(to, 'dist'));
    if (existsSync(join(ROOT, dir, 'bin'))) copyFiltered(join(ROOT, dir, 'bin'), join(to, 'bin'));
    if (existsSync(join(ROOT, dir, 'README.md'))) copyFileSync(join(ROOT, dir, 'README.md'), join(to, 'README.md'));
  }
  for (const path of productionPaths(lock)) {
    const have = existsSync(join(ROOT, path, 'package.json')) ? readJson(join(ROOT, path, 'package.json')).version : 'nothing';
    if (have !== lock.packages[path].version) throw new Error(`package: ${path} is ${have}, package-lock.json says ${lock.packages[path].version}: run npm ci`);
    copyFiltered(join(ROOT, path), join(STAGE, path), { native: lock.packages[path].hasInstallScript === true });
  }
  return manifest;
}

async function main() {
  const manifest = stage();
  await writeOclifManifest(join(STAGE, 'node_modules', '@wharf', 'cli'));
  const json = execFileSync('npm', ['pack', '--json', '--pack-destination', OUT], { cwd: STAGE, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [info] = JSON.parse(json);
  const file = join(OUT, info.filename);
  rmSync(dirname(STAGE), { recursive: true, force: true });
  const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(`package: ${relative(process.cwd(), file) || basename(file)} (${kib(statSync(file).size)}, ${kib(info.unpackedSize)} unpacked, ${info.entryCount} files; version ${manifest.version})`);
  console.log(`package: install it with: npm install -g ./${relative(process.cwd(), file)}   (Node >= ${manifest.engines.node.replace(/^>=/, '')})`);
}

if (process.argv[1] === import.meta.filename) await main();
