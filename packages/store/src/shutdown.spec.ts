/**
 * The graceful stop is about a whole process, so these specs run one: a child node process that
 * loads the built module (packages/store/dist, made by `npm run build`), installs the stop with a
 * close of a given length, and is sent real signals.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from './config.js';
import { shutdownTimeoutMs } from './shutdown.js';

const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

const CHILD = `
import { closeOnSignals } from ${JSON.stringify(dist('shutdown.js'))};
import { createLogger } from ${JSON.stringify(dist('logger.js'))};
const closeMs = Number(process.env.CLOSE_MS);
const close = async () => {
  await new Promise((r) => setTimeout(r, closeMs));
  if (process.env.CLOSE_FAILS) throw new Error('cannot close');
  process.stdout.write('closed\\n');
};
closeOnSignals(close, { log: createLogger('spec', 'info'), timeoutMs: Number(process.env.TIMEOUT_MS) });
setInterval(() => {}, 1000);
process.stdout.write('ready\\n');
`;

interface Run {
  code: number | null;
  stdout: string;
  /** The log lines' messages. */
  logged: string[];
  ms: number;
}

/** Starts the child, sends `signals` (100 ms apart) once it is ready, and waits for it to exit. */
function stopChild(env: { CLOSE_MS: number; TIMEOUT_MS: number; CLOSE_FAILS?: string }, signals: NodeJS.Signals[]): Promise<Run> {
  const p = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { env: { ...process.env, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let t0 = 0;
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  p.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (t0 || !stdout.includes('ready')) return;
    t0 = Date.now();
    signals.forEach((s, i) => setTimeout(() => p.kill(s), i * 100));
  });
  return new Promise((resolve) =>
    p.once('exit', (code) => resolve({ code, stdout, logged: stderr.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { msg: string }).msg), ms: Date.now() - t0 })),
  );
}

describe('closeOnSignals', () => {
  it('closes on the first SIGTERM and exits 0', async () => {
    const run = await stopChild({ CLOSE_MS: 50, TIMEOUT_MS: 5000 }, ['SIGTERM']);
    expect(run).toMatchObject({ code: 0, logged: ['stopping'] });
    expect(run.stdout).toContain('closed');
  });

  it('exits 1 with a log line when the close outlasts the timeout', async () => {
    const run = await stopChild({ CLOSE_MS: 60_000, TIMEOUT_MS: 300 }, ['SIGINT']);
    expect(run).toMatchObject({ code: 1, logged: ['stopping', 'graceful stop timed out; exiting'] });
    expect(run.ms).toBeLessThan(5000);
  });

  it('exits 1 at once on a second signal', async () => {
    const run = await stopChild({ CLOSE_MS: 60_000, TIMEOUT_MS: 60_000 }, ['SIGTERM', 'SIGTERM']);
    expect(run).toMatchObject({ code: 1, logged: ['stopping', 'second signal while stopping; exiting now'] });
    expect(run.ms).toBeLessThan(5000);
    expect(run.stdout).not.toContain('closed');
  });

  it('exits 1 when the close fails, saying so', async () => {
    const run = await stopChild({ CLOSE_MS: 10, TIMEOUT_MS: 5000, CLOSE_FAILS: '1' }, ['SIGTERM']);
    expect(run).toMatchObject({ code: 1, logged: ['stopping', 'unclean stop'] });
  });
});

describe('shutdownTimeoutMs', () => {
  it('reads seconds, fractions allowed, defaulting to 10', () => {
    expect(shutdownTimeoutMs('3')).toBe(3000);
    expect(shutdownTimeoutMs('0.5')).toBe(500);
    expect(shutdownTimeoutMs(undefined)).toBe(10_000);
  });

  it('refuses zero, negative, empty and non-numeric values', () => {
    for (const v of ['0', '-1', '', ' ', '10s', true]) expect(() => shutdownTimeoutMs(v), String(v)).toThrow(UsageError);
  });
});
