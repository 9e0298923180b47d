// The app runs under the CSP the sandbox sends (as a deployer should), and that CSP blocks injected inline script.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage } from './harness.mjs';
import { AppPage, signIn } from './pages.mjs';

let sandbox, browser;
before(async () => {
  sandbox = await startSandbox(['--incidents', '20']);
  browser = await startBrowser();
});
after(async () => { await browser?.close(); sandbox?.stop(); });

const RECORD_VIOLATIONS = () => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
  });
};

test('the app signs in and loads incidents under its CSP with no violation', async () => {
  const page = await newPage(browser);
  await page.addInitScript(RECORD_VIOLATIONS);
  const app = new AppPage(page, sandbox);
  const res = await page.goto(`${sandbox.app}/`);
  const h = res.headers();
  const csp = h['content-security-policy'] || '';
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+'/, csp);
  assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'|\*/, 'no blanket allowances');
  for (const d of ["frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'"]) assert.ok(csp.includes(d), d);
  assert.ok(csp.includes(sandbox.idp), 'connect-src names the IdP');
  // Defender goes through the same-origin relay ('self'), as in a deployment: its own origin is not allowed.
  assert.match(csp, /connect-src 'self' /);
  assert.ok(!csp.includes(sandbox.defender), 'the Defender origin is not in connect-src');
  assert.equal(h['referrer-policy'], 'no-referrer');
  assert.equal(h['x-content-type-options'], 'nosniff');
  await signIn(app);
  await app.waitForRows();
  await app.showToken();
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation while signing in and loading');
  assert.deepEqual(page.errors, []);
});

test('an injected inline script and inline handler are blocked and reported', async () => {
  const page = await newPage(browser);
  await page.addInitScript(RECORD_VIOLATIONS);
  const app = new AppPage(page, sandbox);
  await signIn(app);
  await app.waitForRows();
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.appendChild(s);
    const d = document.createElement('div');
    d.innerHTML = '<img src="data:," onerror="window.__handlerRan = true">';
    document.body.appendChild(d);
  });
  await page.waitForFunction(() => window.__csp.length >= 2, null, { timeout: 5000 });
  const state = await page.evaluate(() => ({ inline: window.__inlineRan, handler: window.__handlerRan, csp: window.__csp }));
  assert.equal(state.inline, undefined, 'inline script did not run');
  assert.equal(state.handler, undefined, 'inline event handler did not run');
  assert.ok(state.csp.some((v) => v.startsWith('script-src')), `violations reported: ${state.csp}`);
  // The session token is still where malicious script could read it: CSP is the barrier, not storage.
  assert.ok((await app.storage()).session['onbehalf.session']);
});
