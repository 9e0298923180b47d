// The generated Caddyfile, run by a real Caddy on loopback: the app from a subpath, the API through the
// /defender-api/ relay, which forwards only the user's Authorization and Accept and only for the page's own calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, startBrowser, newPage } from './harness.mjs';
import { SUBPATH, freePort, layOut } from './deploy-common.mjs';
import { AppPage, signIn } from './pages.mjs';

const CADDY = process.env.CADDY || '/usr/bin/caddy';

/** Lays out dist + config.json under a temp root, generates the recipes, runs Caddy on the generated Caddyfile. */
async function deployBehindCaddy(port, config, upstream) {
  const { dir, site, base, origin } = layOut(port, config, ['--api-upstream', upstream]);
  // Test wrapper: no admin endpoint, no certificates, state in the temp dir; the site block is the generated one.
  writeFileSync(join(dir, 'Caddyfile'), `{\n\tadmin off\n\tauto_https off\n\tstorage file_system ${dir}/state\n}\nimport ${dir}/out/Caddyfile\n`);
  const child = spawn(CADDY, ['run', '--adapter', 'caddyfile', '--config', join(dir, 'Caddyfile')],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir } });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try { await fetch(site); break; } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`caddy did not start: ${stderr}\n${readFileSync(join(dir, 'out', 'Caddyfile'), 'utf8')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { site, base, origin, stop: () => child.kill('SIGTERM') };
}

/** An upstream that answers with the request headers it received, to see exactly what the relay forwards. */
async function headerEcho() {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('set-cookie', 'tracking=1');
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => res.end(JSON.stringify({ method: req.method, headers: req.headers, body })));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

let sandbox, browser, proxied, echo, echoed;
before(async () => {
  const [p1, p2] = [await freePort(), await freePort()];
  sandbox = await startSandbox(['--incidents', '60', '--redirect-uri', `http://127.0.0.1:${p1}${SUBPATH}`]);
  const base = { authority: `${sandbox.idp}/${sandbox.tenant}/v2.0`, client_id: sandbox.client_id, source: 'defender' };
  proxied = await deployBehindCaddy(p1, { ...base, api_base: `http://127.0.0.1:${p1}/defender-api` }, sandbox.defender);
  echo = await headerEcho();
  echoed = await deployBehindCaddy(p2, { ...base, api_base: `http://127.0.0.1:${p2}/defender-api` }, echo.url);
  browser = await startBrowser();
});
after(async () => { await browser?.close(); proxied?.stop(); echoed?.stop(); echo?.close(); sandbox?.stop(); });

test('Caddy serves the app from the subpath and relays its API calls; incidents load', async () => {
  const app = new AppPage(await newPage(browser), { app: proxied.base });
  const apiCalls = [];
  app.page.on('request', (r) => { if (/\/api\/incidents/.test(r.url())) apiCalls.push(r.url()); });
  await signIn(app);
  assert.ok(await app.waitForRows() > 0, 'incident rows');
  for (const u of apiCalls) assert.ok(u.startsWith(`${proxied.origin}/defender-api/api/incidents`), u);
  assert.deepEqual(app.page.errors, []);
  const res = await fetch(proxied.site);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
  const html = await res.text();
  const wasm = html.match(/[\w.-]+_bg\.wasm/)?.[0];
  assert.ok(wasm, 'the page names its wasm');
  const asset = await fetch(`${proxied.site}${wasm}`);
  assert.equal(asset.headers.get('content-type'), 'application/wasm');
  assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable', 'hashed files are cached for good');
  assert.equal((await fetch(`${proxied.origin}/`)).status, 404, 'nothing outside the app and the relay');
});

test('the Caddy relay forwards only Authorization and Accept, and only for same-origin calls', async () => {
  const relay = `${echoed.origin}/defender-api/api/incidents`;
  const res = await fetch(relay, { headers: {
    'sec-fetch-site': 'same-origin', authorization: 'Bearer t', accept: 'application/json', cookie: 'session=1',
    origin: 'https://evil.example', 'x-forwarded-for': '10.0.0.1', 'user-agent': 'test', 'x-custom': 'y',
    // Names may start with a digit or an underscore too.
    '_secret': 'z', '1st': 'w',
  } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; sandbox");
  assert.equal(res.headers.get('set-cookie'), null, 'no cookie comes back through the relay');
  const { headers: got } = await res.json();
  assert.equal(got.authorization, 'Bearer t');
  assert.equal(got.accept, 'application/json');
  const allowed = ['host', 'authorization', 'accept', 'content-type', 'content-length', 'accept-encoding', 'user-agent'];
  const extra = Object.keys(got).filter((k) => !allowed.includes(k));
  assert.deepEqual(extra, [], 'nothing else is forwarded');
  assert.notEqual(got['user-agent'], 'test', 'not even the browser\'s user agent');
  for (const site of ['cross-site', 'same-site', 'none', null]) {
    const r = await fetch(relay, { headers: site ? { 'sec-fetch-site': site } : {} });
    assert.equal(r.status, 403, `Sec-Fetch-Site: ${site}`);
  }
  assert.equal((await fetch(relay, { method: 'POST', body: '{}', headers: { 'sec-fetch-site': 'same-origin' } })).status, 405);
  // An incident update (Defender's PATCH, comment included) goes through with its JSON body.
  const patch = await fetch(`${relay}/7`, { method: 'PATCH', body: '{"status":"Resolved"}', headers: {
    'sec-fetch-site': 'same-origin', authorization: 'Bearer t', 'content-type': 'application/json', cookie: 'x=1' } });
  assert.equal(patch.status, 200);
  const sent = await patch.json();
  assert.deepEqual([sent.method, sent.body, sent.headers['content-type'], sent.headers.cookie],
    ['PATCH', '{"status":"Resolved"}', 'application/json', undefined]);
  // A PATCH anywhere but one incident is refused (an alert, the list, a path climbing out of one).
  for (const path of ['/api/alerts/1', '/api/incidents', '/api/incidents/1/../../alerts/1', '/api/incidents/7/comments']) {
    const r = await fetch(`${echoed.origin}/defender-api${path}`, { method: 'PATCH', body: '{}', headers: {
      'sec-fetch-site': 'same-origin', authorization: 'Bearer t', 'content-type': 'application/json' } });
    assert.equal(r.status, 403, `PATCH ${path}`);
  }
});
