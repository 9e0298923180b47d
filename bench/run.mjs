// Onbehalf benchmark: download size, time to the sign-in screen, time to incidents (also against a minimal
// @azure/msal-browser page, both over HTTPS), scale, API cost.
// Prints one table and writes bench/results.json. It is a measurement, not a test: nothing here fails on a
// slow figure. Every time comes from the page's Performance API (navigation/resource timing, performance.now()
// marks taken inside the page), never from wall-clock around Playwright calls.
//
//   node bench/run.mjs [--dist DIR] [--runs N] [--scale 1000,10000,100000] [--scale-runs 3,2,1]
//                      [--interactions 20] [--msal-incidents 8] [--only size,signin,callback,restore,msal,normal,scale]
//   node bench/run.mjs --dist DIR_WITH_NAMED_WASM --only trace [--trace-incidents 8]
//                      one traced `?code=` run: main-thread tasks and CPU time per phase (never part of the default)
//
// Scenarios are plain async functions below, called from main(); to add one write
// `async function myScenario(ctx) { ... }` and add its rows to the table in main().
import { readFileSync, readdirSync, writeFileSync, existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { startBrowser, startSandbox as startHarnessSandbox } from '../tests/e2e/harness.mjs';
import { gz, br, report as wasmReport } from './wasm-size.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const DIST = arg('dist', join(ROOT, 'dist'));
const RUNS = Number(arg('runs', 20));
const SCALE = arg('scale', '1000,10000,100000').split(',').map(Number);
// Full loads per N (each is up to 100 sequential pages of ~1.1 MB from a debug-build sandbox): keep the run short.
const SCALE_RUNS = arg('scale-runs', '3,2,1').split(',').map(Number);
const INTERACTIONS = Number(arg('interactions', 20));
const ONLY = arg('only', '');
// Incidents in the comparator's sandbox: with the default seed the first screen's request then answers with 5, so
// the figure is about signing in and starting up, not about producing and parsing a large page.
const MSAL_INCIDENTS = Number(arg('msal-incidents', 8));
const FAST_LIMITS = ['--rate-per-minute', '100000', '--rate-per-hour', '1000000'];

// ---------------------------------------------------------------- sandbox

/** The e2e harness's sandbox, serving the build under test. */
async function startSandbox(args = []) {
  return { ...(await startHarnessSandbox(args, { dist: DIST })), args };
}

// ---------------------------------------------------------------- in-page instrumentation

// Runs before any page script. Records: wasm instantiate start/end (wrapping WebAssembly.instantiate*),
// TrunkApplicationStarted (and keeps its wasm exports for memory), the first incident row in the DOM and the
// frame after it (painted), the first sign-in button likewise. All as performance.now() values.
const INIT = () => {
  const b = (window.__bench = { marks: {} });
  const mark = (k) => { if (!(k in b.marks)) b.marks[k] = performance.now(); };
  for (const fn of ['instantiateStreaming', 'instantiate']) {
    const orig = WebAssembly[fn];
    WebAssembly[fn] = function (...a) {
      mark('wasmInstantiateStart');
      return orig.apply(this, a).then((r) => { mark('wasmInstantiateEnd'); return r; });
    };
  }
  addEventListener('TrunkApplicationStarted', (e) => { mark('appStarted'); b.wasm = e.detail && e.detail.wasm; });
  const afterPaint = (k) => requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => mark(k); c.port2.postMessage(0); });
  const watch = (sel, k) => {
    const check = () => { if (!(k + 'InDom' in b.marks) && document.querySelector(sel)) { mark(k + 'InDom'); afterPaint(k + 'Painted'); } };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
    check();
  };
  document.addEventListener('DOMContentLoaded', () => {}, { once: true });
  // The queue is fully loaded when the progress line says "N loaded" (or "N loaded; narrow the view…").
  const loaded = new MutationObserver(() => {
    const t = document.querySelector('[data-testid="progress"]')?.textContent ?? '';
    if (/^\d+ loaded/.test(t)) { mark('loadedInDom'); b.marks.loadedText = t; afterPaint('loadedPainted'); loaded.disconnect(); }
  });
  loaded.observe(document, { childList: true, subtree: true, characterData: true });
  watch('[data-testid="incident-row"]', 'row');
  watch('[data-testid="sign-in"]', 'signIn');
};

/** Navigation + resource timing + marks, as plain numbers (ms since the navigation started). */
async function collectTimings(page) {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource').map((r) => ({
      name: r.name, start: r.startTime, end: r.responseEnd, transfer: r.transferSize, body: r.encodedBodySize,
      initiator: r.initiatorType,
    }));
    return {
      nav: { responseEnd: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, transfer: nav.transferSize },
      res, marks: window.__bench.marks,
    };
  });
}

/** JS heap (CDP Performance.getMetrics) and wasm linear memory (exports from TrunkApplicationStarted). */
async function memory(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  const wasmBytes = await page.evaluate(() => window.__bench.wasm?.memory?.buffer?.byteLength ?? null);
  const domNodes = m.Nodes;
  await cdp.detach();
  return { jsHeapUsed: m.JSHeapUsedSize, jsHeapTotal: m.JSHeapTotalSize, wasmMemory: wasmBytes, domNodes };
}

const find = (res, re) => res.find((r) => re.test(r.name));
const span = (r) => (r ? r.end - r.start : null);

/** Turns one page load's timings into the breakdown the README shows. */
function breakdown(t, target) {
  const js = find(t.res, /\.js$/); const wasm = find(t.res, /\.wasm$/);
  const config = find(t.res, /\/config\.json/); const disco = find(t.res, /openid-configuration/);
  const token = find(t.res, /oauth2\/v2\.0\/token/); const api = find(t.res, /\/api\/incidents/);
  const m = t.marks;
  return {
    html: t.nav.responseEnd,
    jsDownload: span(js), wasmDownload: span(wasm), wasmDownloaded: wasm?.end ?? null,
    // instantiateStreaming compiles while downloading; this is what is left after the last byte arrives.
    wasmCompileAfterDownload: m.wasmInstantiateEnd != null && wasm ? m.wasmInstantiateEnd - wasm.end : null,
    wasmInstantiated: m.wasmInstantiateEnd ?? null,
    mainAndMount: m.appStarted != null && m.wasmInstantiateEnd != null ? m.appStarted - m.wasmInstantiateEnd : null,
    appStarted: m.appStarted ?? null,
    config: span(config), discovery: span(disco), token: span(token), incidentsApi: span(api),
    apiEnd: api?.end ?? null,
    // Issue 15's "wasm loaded → first request": from the instantiated wasm to the start of the first token or
    // API request (whichever goes first; config.json is preloaded by the HTML and not counted).
    firstRequest: m.wasmInstantiateEnd != null && (token || api)
      ? Math.min(...[token, api].filter(Boolean).map((r) => r.start)) - m.wasmInstantiateEnd : null,
    // config.json (preloaded by the HTML) complete, relative to the instantiated wasm (negative: before it).
    configAfterWasm: config && m.wasmInstantiateEnd != null ? config.end - m.wasmInstantiateEnd : null,
    // Token answer → API request start (ID-token checks, signature, storing the session).
    tokenToApi: token && api ? api.start - token.end : null,
    render: m.rowPainted != null && api ? m.rowPainted - api.end : null,
    // The render split: API end → the first row is in the DOM (parse, model, mount), then → painted.
    renderDom: m.rowInDom != null && api ? m.rowInDom - api.end : null,
    renderPaint: m.rowPainted != null && m.rowInDom != null ? m.rowPainted - m.rowInDom : null,
    [target]: m[`${target}Painted`] ?? null,
    [`${target}InDom`]: m[`${target}InDom`] ?? null,
    bytesTransferred: t.nav.transfer + t.res.reduce((s, r) => s + r.transfer, 0),
  };
}

async function waitForMark(page, name, timeout = 20_000) {
  await page.waitForFunction((n) => window.__bench && n in window.__bench.marks, name, { timeout, polling: 50 });
}

async function newContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  await context.addInitScript(INIT);
  return context;
}

/** Signs in up to the redirect back, holds the redirect (code unused), then loads it as a fresh navigation.
 * `app` is the page signing in (Onbehalf by default, or the MSAL comparator); it must show `sign-in` and end
 * with an `incident-row`. */
async function toCallback(browser, sb, options = {}) {
  const { context, page, callbackUrl, app } = await holdCallback(browser, sb, options);
  await page.goto(callbackUrl);
  await waitForMark(page, 'rowPainted').catch(async (e) => {
    throw new Error(`${app}: no incident row (${e.message}); the page says: ${(await page.textContent('body'))?.slice(0, 500)}`);
  });
  return { context, page, callbackUrl };
}

/** Signs in up to the redirect back and holds it: the page is left blank, the `?code=` URL unused. */
async function holdCallback(browser, sb, { user = 'analyst', app = sb.app, contextOptions } = {}) {
  const context = await newContext(browser, contextOptions);
  const page = await context.newPage();
  await page.goto(`${app}/`);
  await page.getByTestId('sign-in').click();
  // Playwright does not route redirected requests, so hold the IdP's redirect instead: the response that
  // sends the browser back with ?code= is answered with a blank page and its Location kept for later.
  await page.getByTestId(`user-${user}`).waitFor();
  let callbackUrl = null;
  await page.route((u) => u.origin === sb.idp, async (route) => {
    const res = await route.fetch({ maxRedirects: 0 });
    const loc = res.headers().location;
    const hasCode = (u) => u.searchParams.has('code') || new URLSearchParams(u.hash.slice(1)).has('code');
    if (res.status() >= 300 && res.status() < 400 && loc && loc.startsWith(app) && hasCode(new URL(loc))) {
      callbackUrl = loc;
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>held</title>' });
    }
    return route.fulfill({ response: res });
  });
  await page.getByTestId(`user-${user}`).click();
  const consent = page.getByTestId('consent-accept');
  const held = () => page.waitForFunction(() => document.title === 'held', null, { timeout: 15_000 });
  const first = await Promise.race([consent.waitFor({ timeout: 15_000 }).then(() => 'consent'), held().then(() => 'held')])
    .catch(async (e) => { throw new Error(`${app}: no consent page nor redirect back (${e.message}); at ${page.url()}: ${(await page.textContent('body'))?.slice(0, 500)}`); });
  if (first === 'consent') { await consent.click(); await held(); }
  await page.unrouteAll({ behavior: 'wait' });
  if (!callbackUrl) throw new Error('no redirect with ?code= seen');
  await sb.clearRequests();
  return { context, page, callbackUrl, app };
}

function apiCost(log) {
  const incidents = log.filter((r) => r.service === 'defender' && r.method === 'GET' && /\/api\/incidents/.test(r.path));
  return { incidentsRequests: incidents.length, status429: log.filter((r) => r.status === 429).length, total: log.length };
}

// ---------------------------------------------------------------- scenarios

/** First-visit download, compressed as a server would (gzip -9, brotli 11), and what the wasm is made of. */
async function size() {
  const files = readdirSync(DIST).filter((f) => /\.(html|js|wasm|css)$/.test(f));
  const rows = files.map((f) => { const b = readFileSync(join(DIST, f)); return { file: f, raw: b.length, gzip: gz(b), brotli: br(b) }; });
  const total = rows.reduce((s, r) => ({ raw: s.raw + r.raw, gzip: s.gzip + r.gzip, brotli: s.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  const named = join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'bench', 'onbehalf_bg.named.wasm');
  const composition = existsSync(named) ? wasmReport(readFileSync(named), 15) : null;
  return { files: rows, total, composition };
}

/** Cold first visit (new context, empty cache) to the sign-in screen. */
async function signinScreen({ browser, sb, runs }) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${sb.app}/`);
    await waitForMark(page, 'signInPainted');
    // First contentful paint: index.html paints the frame and the sign-in card before any script runs.
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    out.push({ ...breakdown(await collectTimings(page), 'signIn'), fcp });
    if (i === 0) out.memory = await memory(page);
    await context.close();
  }
  return out;
}

/** Redirect URI with a fresh code → first incident row painted. */
async function callback({ browser, sb, runs }) {
  const out = []; const costs = [];
  for (let i = 0; i < runs; i++) {
    const { context, page } = await toCallback(browser, sb);
    const t = await collectTimings(page);
    out.push(breakdown(t, 'row'));
    // Requests the first screen cost: those started before its row was painted (the rest of the view is
    // requested after that paint, and may already be in the sandbox's log when it is read).
    const beforePaint = t.res.filter((r) => /\/api\/incidents/.test(r.name) && r.start < t.marks.rowPainted).length;
    costs.push({ ...apiCost(await sb.requests()), beforePaint });
    if (i === 0) out.memory = await memory(page);
    await context.close();
  }
  out.costs = costs;
  return out;
}

/** A signed-in tab opened again (fresh navigation, session restored from sessionStorage) → first row painted. */
async function restore({ browser, sb, runs }) {
  const { context, page } = await toCallback(browser, sb);
  const out = [];
  try {
    for (let i = 0; i < runs; i++) {
      await page.goto('about:blank');
      await page.goto(`${sb.app}/`);
      await waitForMark(page, 'rowPainted');
      out.push(breakdown(await collectTimings(page), 'row'));
    }
  } finally { await context.close(); }
  return out;
}

/** One `?code=` → first row run under a Chromium trace (main-thread tasks and CPU samples), summarised by phase:
 * where the main thread's time goes before the token request, between the token answer and the API request,
 * during the API request, and between the API answer and the first row. Function names need a wasm with its
 * name section (scripts/bench writes one to target/bench; copy it over the dist's wasm, `--dist` that copy). */
async function trace({ browser, sb }) {
  const held = await holdCallback(browser, sb);
  await browser.startTracing(held.page, { categories: ['-*', 'devtools.timeline', 'disabled-by-default-devtools.timeline',
    'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'blink.user_timing', 'loading'] });
  await held.page.goto(held.callbackUrl);
  await waitForMark(held.page, 'rowPainted');
  const t = await collectTimings(held.page);
  const buf = await browser.stopTracing();
  await held.context.close();
  const dir = join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'trace-callback.json'), buf);
  return { ...summariseTrace(JSON.parse(buf.toString()), t), breakdown: breakdown(t, 'row') };
}

/** Main-thread tasks and CPU self time per phase of a traced callback (times in ms since navigation start). */
function summariseTrace(tr, t) {
  const ev = tr.traceEvents ?? tr;
  const nav = ev.filter((e) => e.name === 'navigationStart' && /[?&]code=/.test(e.args?.data?.documentLoaderURL ?? '')).at(-1);
  if (!nav) return { error: 'no navigationStart for the ?code= document in the trace' };
  const { pid, tid } = nav; const t0 = nav.ts;
  const at = (ts) => (ts - t0) / 1000;
  const token = find(t.res, /oauth2\/v2\.0\/token/); const api = find(t.res, /\/api\/incidents/);
  const phases = [
    ['before the token request', 0, token?.start ?? 0],
    ['token request in flight', token?.start ?? 0, token?.end ?? 0],
    ['token answer → API request', token?.end ?? 0, api?.start ?? 0],
    ['API request in flight', api?.start ?? 0, api?.end ?? 0],
    ['API answer → row painted', api?.end ?? 0, t.marks.rowPainted ?? 0],
  ];
  // Top-level tasks on the page's main thread, longer than 1 ms.
  const tasks = ev.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.name === 'RunTask' && e.dur > 1000)
    .map((e) => ({ start: at(e.ts), dur: e.dur / 1000,
      inside: [...new Set(ev.filter((c) => c.pid === pid && c.tid === tid && c.ph === 'X' && c.ts >= e.ts && c.ts + (c.dur ?? 0) <= e.ts + e.dur
        && c.dur > 300 && c.name !== 'RunTask' && !/^(ThreadControllerImpl|TaskGraphRunner|V8\.|Run)/.test(c.name))
        .map((c) => `${c.name}${c.args?.data?.functionName ? ':' + c.args.data.functionName : ''} ${(c.dur / 1000).toFixed(1)}`))].slice(0, 8) }))
    .filter((x) => x.start > -5 && x.start < (t.marks.rowPainted ?? 1e9) + 5);
  // CPU samples of the page's renderer: self time per function and phase.
  const chunks = ev.filter((e) => e.pid === pid && (e.name === 'Profile' || e.name === 'ProfileChunk'));
  const nodes = new Map(); const samples = []; let ts = null;
  for (const c of chunks) {
    const d = c.args?.data ?? {};
    if (c.name === 'Profile') { ts = d.startTime; continue; }
    for (const n of d.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    const ids = d.cpuProfile?.samples ?? []; const deltas = d.timeDeltas ?? [];
    for (let i = 0; i < ids.length; i++) { ts += deltas[i] ?? 0; samples.push([at(ts), ids[i]]); }
  }
  // Rust names without crate hashes and generic arguments: `<tachys::…::HtmlElement<…> as Render>::build`.
  const short = (f) => { let out = ''; let depth = 0; for (const ch of f.replace(/\[[0-9a-f]{8,16}\]/g, '')) {
    if (ch === '<') { if (depth > 0 || /\w$/.test(out)) { depth++; if (depth === 1) out += '<…'; continue; } }
    if (ch === '>' && depth > 0) { depth--; if (depth === 0) out += '>'; continue; }
    if (depth === 0) out += ch; } return out.slice(0, 160); };
  const name = (id) => { const n = nodes.get(id); const f = n?.callFrame; return f ? short(f.functionName || `(anonymous ${f.url?.split('/').pop() ?? ''})`) : '?'; };
  // The nearest frame of this crate above a sample: which part of the app the time belongs to.
  const rust = (id) => { let n = nodes.get(id); while (n) { if (/^<?onbehalf\[|^<onbehalf::/.test(n.callFrame?.functionName ?? '')) return short(n.callFrame.functionName); n = nodes.get(n.parent); } return '(no onbehalf frame)'; };
  for (const n of nodes.values()) for (const c of n.children ?? []) { const k = nodes.get(c); if (k) k.parent = n.id; }
  const interval = samples.length > 1 ? (samples.at(-1)[0] - samples[0][0]) / samples.length : 0;
  const byPhase = phases.map(([label, from, to]) => {
    const inside = samples.filter(([x]) => x >= from && x < to);
    const top = (f) => Object.entries(inside.reduce((m, [, id]) => { const k = f(id); m[k] = (m[k] ?? 0) + 1; return m; }, {}))
      .filter(([k]) => k !== '(idle)' && k !== '(program)').sort((a, b) => b[1] - a[1]).slice(0, 12)
      .map(([k, n]) => `${(n * interval).toFixed(1)} ms ${k}`);
    const busy = inside.filter(([, id]) => name(id) !== '(idle)').length * interval;
    // Inclusive time of this crate's functions (each counted once per sample, wherever it is on the stack).
    const incl = {};
    for (const [, id] of inside) {
      const seen = new Set();
      for (let n = nodes.get(id); n; n = nodes.get(n.parent)) {
        const f = n.callFrame?.functionName ?? '';
        if (/^<?onbehalf\[/.test(f)) seen.add(short(f));
      }
      for (const k of seen) incl[k] = (incl[k] ?? 0) + 1;
    }
    const inclusive = Object.entries(incl).sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, n]) => `${(n * interval).toFixed(1)} ms ${k}`);
    return { phase: label, from, to, busy, self: top(name), rust: top(rust), inclusive };
  });
  return { tasks, byPhase };
}

/** Writes the MSAL comparator page into `dir`: bench/msal-page.js bundled and minified by esbuild, with `config`
 * compiled in (as a production page would have its client id and authority), and an index.html loading it. */
async function buildMsalPage(dir, config) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(ROOT, 'bench', 'msal-page.js')], outfile: join(dir, 'msal-page.js'), bundle: true, minify: true,
    format: 'esm', target: 'es2020', define: { __MSAL_BENCH__: JSON.stringify(config) }, logLevel: 'warning',
  });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MSAL comparator</title>'
    + '<script type="module" src="/msal-page.js"></script></head><body><main id="app"></main></body></html>');
  const js = readFileSync(join(dir, 'msal-page.js'));
  return { raw: js.length, gzip: gz(js), brotli: br(js) };
}

/** Onbehalf against a minimal @azure/msal-browser page (bench/msal-page.js), same sandbox, same run: the IdP, the
 * API and both pages over HTTPS on loopback (MSAL refuses an http authority; TLS proxies in front of the sandbox,
 * which names the proxies' origins via --public-url). Each run signs in on a fresh context and replays the held
 * `?code=` redirect as a new navigation, as `callback` does; the two pages alternate which goes first. The MSAL page
 * makes the very request Onbehalf's first screen made (taken from Onbehalf's first run). */
async function msalCompare({ runs }) {
  const { selfSignedCert, tlsProxy, tlsStatic } = await import('./tls.mjs');
  const tls = selfSignedCert();
  // Its own browser, which trusts the certificate (see selfSignedCert); the contexts also ignore certificate
  // errors, for the requests Playwright itself sends from Node (route.fetch in toCallback).
  const browser = await startBrowser([`--ignore-certificate-errors-spki-list=${tls.spki}`]);
  const proxies = { app: await tlsProxy(tls), idp: await tlsProxy(tls), defender: await tlsProxy(tls) };
  const dir = mkdtempSync(join(os.tmpdir(), 'onbehalf-bench-msal-'));
  const site = await tlsStatic(tls, dir);
  const named = Object.entries(proxies).flatMap(([service, p]) => ['--public-url', `${service}=${p.origin}`]);
  const raw = await startSandbox([...FAST_LIMITS, '--incidents', String(MSAL_INCIDENTS), '--redirect-uri', `${site.origin}/`, ...named]);
  for (const [service, p] of Object.entries(proxies)) p.target = raw[service];
  const sb = { ...raw, app: proxies.app.origin, idp: proxies.idp.origin, defender: proxies.defender.origin };
  const contextOptions = { ignoreHTTPSErrors: true };
  const version = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@azure', 'msal-browser', 'package.json'), 'utf8')).version;
  const out = { version, incidents: MSAL_INCIDENTS, onbehalf: [], msal: [], bundle: null, api: null };
  const one = async (who) => {
    const { context, page } = await toCallback(browser, sb, { app: who === 'msal' ? site.origin : sb.app, contextOptions });
    const t = await collectTimings(page);
    const b = { ...breakdown(t, 'row'), rows: await page.getByTestId('incident-row').count() };
    if (who === 'msal') {
      const m = t.marks;
      Object.assign(b, { msalInitialized: m.msalInitialized ?? null, handleRedirect: m.redirectHandled - m.msalInitialized,
        acquireTokenSilent: m.tokenAcquired - m.redirectHandled });
    } else if (!out.api) {
      out.api = find(t.res, /\/api\/incidents/)?.name;
      if (!out.api) throw new Error('Onbehalf made no /api/incidents request before its first row');
      out.bundle = await buildMsalPage(dir, { clientId: sb.client_id, authority: `${sb.idp}/${sb.tenant}`,
        scope: 'https://api.security.microsoft.com/Incident.Read', api: out.api });
    }
    out[who].push(b);
    await context.close();
  };
  try {
    for (let i = 0; i < runs; i++) {
      // Onbehalf goes first in the first run (the MSAL page is built from its request), then every other run.
      for (const who of i % 2 ? ['msal', 'onbehalf'] : ['onbehalf', 'msal']) await one(who);
    }
  } finally {
    await browser.close(); raw.stop(); site.close(); for (const p of Object.values(proxies)) p.close();
    rmSync(dir, { recursive: true, force: true });
  }
  out.pairedRatio = out.onbehalf.map((o, i) => o.row / out.msal[i].row);
  return out;
}

const WIDE = '#/incidents?status=all&severity=all&range=all';

/** Inside the page: 20+ search keystrokes (type / erase one character) and sort clicks (alternating
 * direction). Each is timed with performance.now() from just before the event, three ways:
 *  - painted: the paint of the first frame whose DOM shows the result (checked in requestAnimationFrame, just
 *    before that frame's style/layout/paint; then a MessageChannel message = after that paint);
 *  - script: the page's own work, event → DOM updated: a MessageChannel message posted right after the
 *    event, re-posted until the expected state holds (Leptos applies a view change in microtasks of the
 *    event's task, so the first message already sees it unless the work spans tasks, e.g. a hashchange);
 *  - frames: how many frames went by until the result was in one (1 = it landed in the first frame). */
const INTERACT = async ({ n, pause }) => {
  const idle = (ms) => new Promise((r) => setTimeout(r, ms));
  const rows = () => document.querySelectorAll('[data-testid="incident-row"]').length;
  let maxRows = rows();
  const settle = (t0, done) => new Promise((resolve) => {
    let script = null; let frames = 0;
    const poll = new MessageChannel(); let polls = 0;
    poll.port1.onmessage = () => {
      if (done()) script = performance.now() - t0;
      else if (++polls < 1e6 && frames < 600) poll.port2.postMessage(0);
    };
    poll.port2.postMessage(0);
    const onFrame = () => {
      frames++;
      maxRows = Math.max(maxRows, rows());
      if (done()) {
        const c = new MessageChannel();
        c.port1.onmessage = () => resolve({ painted: performance.now() - t0, script, frames });
        c.port2.postMessage(0);
      } else if (frames < 600) requestAnimationFrame(onFrame);
      else resolve({ painted: null, script, frames });
    };
    requestAnimationFrame(onFrame);
  });
  const input = document.querySelector('[data-testid="search"]');
  const info = () => document.querySelector('[data-testid="page-info"]')?.textContent ?? '';
  const typed = []; const erased = [];
  const chars = 'aeiou';
  for (let i = 0; i < n; i++) {
    // Type one character, then erase it; done when the URL carries the text and the pager shows the count.
    for (const [list, value] of [[typed, chars[i % chars.length]], [erased, '']]) {
      await idle(pause);
      const want = value ? `q=${value}` : null;
      const shown = () => /of \d+/.test(info()) || !!document.querySelector('[data-testid="empty"]');
      const t0 = performance.now();
      input.value = value;
      input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, data: value || null, inputType: value ? 'insertText' : 'deleteContentBackward' }));
      list.push(await settle(t0, () => (want ? location.hash.includes(want) : !/[?&]q=/.test(location.hash)) && shown()));
    }
  }
  const sorts = [];
  const btn = () => document.querySelector('[data-testid="sort-severity"]');
  for (let i = 0; i < n; i++) {
    await idle(pause);
    const th = btn().closest('th');
    const before = th.getAttribute('aria-sort');
    const t0 = performance.now();
    btn().click();
    // Done when the header shows the new direction (rows render in the same reactive flush).
    sorts.push(await settle(t0, () => { const a = btn().closest('th').getAttribute('aria-sort'); return a !== before && a !== 'none'; }));
  }
  return { typed, erased, sorts, maxRows };
};

/** With N incidents in the sandbox: open the wide view (all statuses, severities, time) as a fresh
 * navigation in a signed-in tab, time to the first row and to "N loaded" (every page through the client's
 * rate budget, up to 100 pages), then memory, DOM rows, and search keystrokes / sort clicks inside the page. */
async function scale({ browser, n, runs, interactions }) {
  const sb = await startSandbox(['--incidents', String(n), ...FAST_LIMITS]);
  try {
    const loads = []; const costs = []; let kept = null;
    for (let i = 0; i < runs; i++) {
      const { context, page } = await toCallback(browser, sb);
      await page.goto('about:blank');
      await sb.clearRequests();
      await page.goto(`${sb.app}/${WIDE}`);
      await waitForMark(page, 'loadedPainted', 600_000);
      const t = await collectTimings(page);
      const api = t.res.filter((r) => /\/api\/incidents/.test(r.name));
      const apiSum = api.reduce((s, r) => s + (r.end - r.start), 0);
      const m = t.marks;
      loads.push({
        firstRow: m.rowPainted ?? null, loaded: m.loadedPainted ?? null, progress: m.loadedText,
        requests: api.length, firstApiStart: api[0]?.start ?? null, lastApiEnd: api.at(-1)?.end ?? null,
        apiSum, apiMean: api.length ? apiSum / api.length : null,
        // Between the first request and the last response, what was not waiting for the network/server.
        inPage: api.length ? (api.at(-1).end - api[0].start) - apiSum : null,
        afterLastResponse: api.length && m.loadedPainted != null ? m.loadedPainted - api.at(-1).end : null,
        domRows: await page.getByTestId('incident-row').count(),
      });
      costs.push(apiCost(await sb.requests()));
      if (i < runs - 1) await context.close(); else kept = { context, page };
    }
    const { context, page } = kept;
    const mem = await memory(page);
    const inter = await page.evaluate(INTERACT, { n: interactions, pause: 50 });
    const memAfter = await memory(page);
    await context.close();
    return { n, loads, costs, mem, memAfter, inter };
  } finally { sb.stop(); }
}

/** The sandbox's own time and size for the first screen's request, fetched from Node (no browser). */
async function apiServer({ sb, runs }) {
  const tok = await (await fetch(`${sb.idp}/_sandbox/tokens/analyst`)).json();
  const token = tok.access_token ?? tok.token;
  const times = []; let body = null; let encoding = null;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const res = await fetch(`${sb.defender}/api/incidents?$top=50&$skip=0`, { headers: { authorization: `Bearer ${token}`, origin: sb.app } });
    body = Buffer.from(await res.arrayBuffer());
    times.push(performance.now() - t);
    encoding = res.headers.get('content-encoding');
  }
  return { times, bytes: body.length, gzip: gz(body), contentEncoding: encoding };
}

/** One session with the sandbox's default limits (50/min): the default view loads every page through the
 * client's budget; must see rows and no 429. */
async function normalLimits({ browser }) {
  // Named, because the harness otherwise gives tests generous limits.
  const sb = await startSandbox(['--rate-per-minute', '50', '--rate-per-hour', '1500']);
  try {
    const { context, page } = await toCallback(browser, sb);
    await waitForMark(page, 'loadedPainted', 120_000);
    const count = await page.getByTestId('incident-row').count();
    const progress = await page.evaluate(() => window.__bench.marks.loadedText);
    const cost = apiCost(await sb.requests());
    await context.close();
    return { rows: count, progress, ...cost };
  } finally { sb.stop(); }
}

// ---------------------------------------------------------------- stats and output

const q = (xs, p) => { const s = xs.filter((x) => x != null).sort((a, b) => a - b); if (!s.length) return null; const i = Math.min(s.length - 1, Math.ceil(p * s.length) - 1); return s[Math.max(0, i)]; };
const stat = (xs) => ({ median: q(xs, 0.5), p95: q(xs, 0.95), runs: xs.filter((x) => x != null).length });
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => (n == null ? '–' : `${n.toFixed(0)} ms`);
const ms1 = (n) => (n == null ? '–' : `${n.toFixed(1)} ms`);
const mb = (n) => (n == null ? '–' : `${(n / 1048576).toFixed(1)} MB`);

function machine() {
  const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1];
  let chromium = '';
  try { chromium = execFileSync(process.env.CHROMIUM || '/usr/bin/chromium', ['--version'], { stderr: 'ignore' }).toString().trim(); } catch { /* */ }
  return { nproc: os.availableParallelism?.() ?? os.cpus().length, cpu, chromium, node: process.version,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '), date: new Date().toISOString() };
}

async function main() {
  const want = (s) => !ONLY || ONLY.split(',').includes(s);
  const results = { machine: machine(), dist: DIST, limits: 'timing runs: --rate-per-minute 100000 --rate-per-hour 1000000' };
  const table = [];
  const row = (figure, xs, unit = ms) => { const s = stat(xs); table.push([figure, unit(s.median), unit(s.p95), String(s.runs)]); return s; };

  if (want('size')) {
    results.size = await size();
    const t = results.size.total;
    table.push(['First-visit download, gzip (HTML+JS+wasm+CSS)', kb(t.gzip), '', '1']);
    table.push(['First-visit download, brotli', kb(t.brotli), '', '1']);
    table.push(['  raw', kb(t.raw), '', '1']);
    for (const f of results.size.files) table.push([`  ${f.file.replace(/-[0-9a-f]{8,16}/, '')} gzip / raw`, kb(f.gzip), kb(f.raw), '1']);
  }
  const browser = await startBrowser();
  try {
    if (want('signin') || want('callback') || want('restore')) {
      const sb = await startSandbox(FAST_LIMITS);
      try {
        if (want('signin')) {
          const r = await signinScreen({ browser, sb, runs: RUNS });
          results.signin = { runs: r, memory: r.memory };
          row('Cold visit → first contentful paint (issue 15: ≤ 100 ms)', r.map((x) => x.fcp));
          row('Cold visit → sign-in button painted', r.map((x) => x.signIn));
          row('  wasm downloaded', r.map((x) => x.wasmDownloaded));
          row('  wasm instantiated', r.map((x) => x.wasmInstantiated));
          row('  app started (main + mount)', r.map((x) => x.appStarted));
        }
        if (want('callback')) {
          const r = await callback({ browser, sb, runs: RUNS });
          results.callback = { runs: r, memory: r.memory, costs: r.costs };
          row('Redirect URI ?code= → first incident row painted', r.map((x) => x.row));
          row('  HTML', r.map((x) => x.html));
          row('  wasm download', r.map((x) => x.wasmDownload));
          row('  wasm compile after last byte', r.map((x) => x.wasmCompileAfterDownload));
          row('  wasm instantiated (since nav start)', r.map((x) => x.wasmInstantiated));
          row('  main + mount', r.map((x) => x.mainAndMount));
          row('  config.json', r.map((x) => x.config));
          row('  discovery (openid-configuration)', r.map((x) => x.discovery));
          row('  wasm instantiated → first token/API request starts (issue 15: ≤ 15 ms)', r.map((x) => x.firstRequest));
          row('  token exchange', r.map((x) => x.token));
          row('  token answer → API request starts', r.map((x) => x.tokenToApi));
          row('  GET /api/incidents (incl. preflight)', r.map((x) => x.incidentsApi));
          row('  render (API end → row painted; issue 15: ≤ 20 ms at 5 incidents, ≤ 40 at 50)', r.map((x) => x.render));
          row('    API end → row in the DOM', r.map((x) => x.renderDom));
          row('    row in the DOM → painted', r.map((x) => x.renderPaint));
          const c = r.costs;
          table.push(['API: incidents requests started before the first row was painted', String(Math.max(...c.map((x) => x.beforePaint))), 'max', String(c.length)]);
          table.push(['API: 429 responses in timing runs', String(c.reduce((s, x) => s + x.status429, 0)), 'total', String(c.length)]);
          const a = await apiServer({ sb, runs: RUNS });
          results.apiServer = a;
          row('  of which sandbox server time (Node fetch, same query)', a.times);
          table.push(['  first page body (50 incidents): raw / gzip', kb(a.bytes), kb(a.gzip), `enc: ${a.contentEncoding ?? 'none'}`]);
          table.push(['Memory after first screen: JS heap / wasm', mb(r.memory.jsHeapUsed), mb(r.memory.wasmMemory), '1']);
        }
        if (want('restore')) {
          const r = await restore({ browser, sb, runs: RUNS });
          results.restore = { runs: r };
          row('Signed-in tab reopened (session restored) → first incident row painted', r.map((x) => x.row));
          row('  wasm instantiated → API request starts (issue 15: ≤ 15 ms)', r.map((x) => x.firstRequest));
          row('  GET /api/incidents (incl. preflight)', r.map((x) => x.incidentsApi));
          row('  render (API end → row painted)', r.map((x) => x.render));
          row('    API end → row in the DOM', r.map((x) => x.renderDom));
        }
      } finally { sb.stop(); }
    }
    if (ONLY.split(',').includes('trace')) {
      // --trace-incidents N: the sandbox's incident count for the traced run (default: its seed, 50 a screen).
      const n = arg('trace-incidents', null);
      const sb = await startSandbox([...FAST_LIMITS, ...(n ? ['--incidents', n] : [])]);
      try {
        results.trace = await trace({ browser, sb });
        console.error(JSON.stringify(results.trace, null, 1));
      } finally { sb.stop(); }
    }
    if (want('msal')) {
      const r = await msalCompare({ runs: RUNS });
      results.msal = r;
      const O = r.onbehalf; const M = r.msal;
      // Onbehalf and MSAL side by side: "Onbehalf / MSAL" in each cell.
      const pair = (figure, key, unit = ms, keyB = key) => {
        const a = stat(O.map((x) => x[key])); const b = stat(M.map((x) => x[keyB]));
        table.push([figure, `${unit(a.median)} / ${unit(b.median)}`, `${unit(a.p95)} / ${unit(b.p95)}`, `${a.runs} / ${b.runs}`]);
        return [a, b];
      };
      const [o, m] = pair(`HTTPS: ?code= → first row painted, Onbehalf / MSAL ${r.version} page (sandbox: ${r.incidents} incidents)`, 'row');
      const ratio = (x, y) => (x == null || !y ? '–' : (x / y).toFixed(2));
      table.push(['  ratio Onbehalf ÷ MSAL (issue 15: ≤ 0.70); median / p95 column: of the medians / of the p95s',
        ratio(o.median, m.median), ratio(o.p95, m.p95), String(r.pairedRatio.length)]);
      pair('  HTML', 'html');
      pair('  JS download (Onbehalf glue / MSAL bundle)', 'jsDownload');
      table.push(['  MSAL bundle (minified) gzip / raw', kb(r.bundle.gzip), kb(r.bundle.raw), '1']);
      pair('  wasm download / –', 'wasmDownload', ms, 'none');
      pair('  started: wasm main + mount / MSAL initialize() (since nav start)', 'appStarted', ms, 'msalInitialized');
      pair('  config.json / –', 'config', ms, 'none');
      pair('  discovery (openid-configuration; MSAL\'s second one comes from the HTTP cache)', 'discovery');
      pair('  wasm instantiated → first token/API request starts / –', 'firstRequest', ms, 'none');
      pair('  token exchange', 'token');
      pair('  token answer → API request starts', 'tokenToApi');
      pair('  – / handleRedirectPromise() (includes the token exchange)', 'none', ms, 'handleRedirect');
      pair('  – / acquireTokenSilent()', 'none', ms, 'acquireTokenSilent');
      pair('  GET /api/incidents (incl. preflight)', 'incidentsApi');
      pair('  render (API end → row painted)', 'render');
      pair('    API end → row in the DOM', 'renderDom');
      pair('    row in the DOM → painted', 'renderPaint');
      pair('  rows shown (the MSAL page shows the whole response; Onbehalf hides informational)', 'rows', (v) => (v == null ? '–' : String(v)));
    }
    if (want('normal')) {
      const r = await normalLimits({ browser });
      results.normalLimits = r;
      table.push(['Default limits (50/min), default view: rows / incidents reqs / 429s', `${r.rows} / ${r.incidentsRequests}`, String(r.status429), `"${r.progress}"`]);
    }
    if (want('scale')) {
      results.scale = [];
      for (const [i, n] of SCALE.entries()) {
        const runs = SCALE_RUNS[Math.min(i, SCALE_RUNS.length - 1)];
        const r = await scale({ browser, n, runs, interactions: INTERACTIONS });
        results.scale.push(r);
        const L = r.loads; const N = n.toLocaleString('en');
        row(`${N} incidents, wide view (fresh navigation): first row painted`, L.map((x) => x.firstRow));
        row(`  → "${L[0].progress}" painted`, L.map((x) => x.loaded), (v) => (v == null ? '–' : `${(v / 1000).toFixed(1)} s`));
        table.push([`  incidents requests / 429s / DOM rows`, `${L[0].requests} / ${r.costs.reduce((s, c) => s + c.status429, 0)}`, String(Math.max(...L.map((x) => x.domRows), r.inter.maxRows)), String(runs)]);
        row(`  per page: GET /api/incidents (network + sandbox)`, L.map((x) => x.apiMean));
        row(`  per page: in the page (parse + update + render), between requests`, L.map((x) => (x.requests ? x.inPage / x.requests : null)));
        const keys = [...r.inter.typed, ...r.inter.erased]; const sorts = r.inter.sorts;
        const pick = (xs, k) => xs.map((x) => x[k]);
        // Share of interactions whose result was in the first frame after the event.
        const first = (xs) => `${xs.filter((x) => x.frames === 1).length} / ${xs.length}`;
        row(`  search keystroke → painted (type / erase a character)`, pick(keys, 'painted'), ms1);
        row(`    type only`, pick(r.inter.typed, 'painted'), ms1);
        row(`    script work (event → DOM updated)`, pick(keys, 'script'), ms1);
        table.push([`    in the first frame after the event`, first(keys), '', String(keys.length)]);
        row(`  sort click (severity, alternating) → painted`, pick(sorts, 'painted'), ms1);
        row(`    script work (event → DOM updated)`, pick(sorts, 'script'), ms1);
        table.push([`    in the first frame after the event`, first(sorts), '', String(sorts.length)]);
        table.push([`  JS heap / wasm memory after full load`, mb(r.mem.jsHeapUsed), mb(r.mem.wasmMemory), '1']);
      }
    }
  } finally { await browser.close(); }

  results.table = table;
  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2));
  const w = [0, 0, 0, 0];
  for (const r of [['Figure', 'Median', 'p95', 'Runs'], ...table]) r.forEach((c, i) => { w[i] = Math.max(w[i], c.length); });
  const line = (r) => `| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  console.log(line(['Figure', 'Median', 'p95', 'Runs']));
  console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
  for (const r of table) console.log(line(r));
  const m = results.machine;
  console.log(`\nMachine: ${m.nproc} cores, ${m.cpu}, load average ${m.loadavg}; ${m.chromium}; Node ${m.node}; dist ${DIST}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
