// Starts the sandbox (serving the built dist/) on ephemeral loopback ports and a headless Chromium.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Screenshots land in an ignored folder, so a test run never rewrites tracked files; `scripts/screenshots` sets
// ONBEHALF_SCREENSHOTS=docs/screenshots to refresh the README's pictures.
export const ARTIFACTS = process.env.ONBEHALF_SCREENSHOTS
  ? join(ROOT, process.env.ONBEHALF_SCREENSHOTS) : join(ROOT, 'target', 'e2e-screenshots');
mkdirSync(ARTIFACTS, { recursive: true });

// ONBEHALF_E2E_DIST points the tests at another build (e.g. /tmp/dist-x) without touching the shared dist/.
const defaultDist = () => process.env.ONBEHALF_E2E_DIST || join(ROOT, 'dist');

/** Starts `onbehalf-sandbox` with `args`, serving `dist`; resolves with its origins once it prints its ready line. */
// Tests that are not about rate limits must not meet them: however slow the machine, the sandbox's documented
// 50/min would otherwise turn a reload late in a file into a 25 s pause. A test about limits passes its own.
const GENEROUS_LIMITS = ['--rate-per-minute', '100000', '--rate-per-hour', '1000000'];
export async function startSandbox(args = [], { dist = defaultDist() } = {}) {
  // ONBEHALF_SANDBOX_BIN lets a worktree that shares a target directory run its own copy of the sandbox.
  const bin = process.env.ONBEHALF_SANDBOX_BIN || join(ROOT, 'target', 'debug', 'onbehalf-sandbox');
  const limits = args.some((a) => a.startsWith('--rate-per-')) ? [] : GENEROUS_LIMITS;
  const child = spawn(bin, ['--dist', dist, '--app-port', '0', '--idp-port', '0',
    '--defender-port', '0', '--graph-port', '0', ...limits, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start in 30 s:\n${stderr}`)), 30_000);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`sandbox exited (${code}):\n${stderr}`)); });
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const msg = JSON.parse(line);
        if (msg.ready) { clearTimeout(timer); resolve(msg); }
      } catch { /* other output */ }
    });
  });
  const control = async (method, path, body) => {
    const res = await fetch(`${ready.idp}/_sandbox/${path}`, {
      method, headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`control ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  };
  return {
    ...ready,
    // Where the app calls Defender: the relay on its own origin, as a deployment's, unless --defender-direct.
    defenderApi: args.includes('--defender-direct') ? ready.defender : `${ready.app}/defender-api`,
    faults: (f) => control('POST', 'faults', f),
    reset: () => control('POST', 'reset'),
    requests: () => control('GET', 'requests'),
    clearRequests: () => control('DELETE', 'requests'),
    patchIncident: (id, fields) => control('PATCH', `incidents/${id}`, fields),
    stop: () => { child.kill('SIGTERM'); },
  };
}

/** A headless Chromium as these machines run it (`extraArgs`: more command-line switches). */
export async function startBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', ...extraArgs],
  });
}

/** A fresh page (own cookies and storage) that fails the test on uncaught page errors. */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...opts });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    // Failed requests are reported by the response listener with their URL; an expected 4xx is not a page error.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.errors.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => { if (r.status() === 404) page.errors.push(`404: ${r.url()}`); });
  return page;
}

export const shot = (target, name) => target.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
