// Hardening (issue 12): races and stale state a user can walk into, against the sandbox in headless Chromium.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage } from './harness.mjs';
import { AppPage, signIn } from './pages.mjs';

let sandbox, browser;
before(async () => {
  sandbox = await startSandbox(['--incidents', '60']);
  browser = await startBrowser();
});
after(async () => { await browser?.close(); sandbox?.stop(); });
beforeEach(async () => { await sandbox.reset(); });

const isRefresh = (r) => r.method() === 'POST' && r.url().endsWith('/token')
  && (r.postData() || '').includes('grant_type=refresh_token');
const ourKeys = (st) => Object.keys(st.session).filter((k) => k.startsWith('onbehalf.'));

/** Lets the page run what a finished response queued (fetch → body → the wasm's continuation). */
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));

test('sign-out while the provider holds a renewal open: the late answer is dropped, sessionStorage stays empty', async () => {
  // Tokens are due for renewal within seconds; each refresh answer is held back 4 s by the provider.
  await sandbox.faults({ token_lifetime_secs: 6, refresh_latency_ms: 4000 });
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await app.waitForRows();
  const held = await app.page.waitForRequest(isRefresh, { timeout: 20_000 });
  // The end-session page answers 204, so the browser stays on the app and the late answer can arrive in it.
  await app.page.route((u) => u.pathname.endsWith('/logout'), (r) => r.fulfill({ status: 204 }));
  await app.clickSignOut();
  await app.page.getByTestId('sign-in').waitFor();
  assert.deepEqual(ourKeys(await app.storage()), [], 'signed out');
  const answer = await held.response();
  assert.equal(answer.status(), 200, 'the provider did renew the tokens');
  await answer.finished();
  await settle(app.page);
  await settle(app.page);
  assert.deepEqual(ourKeys(await app.storage()), [], 'no session came back after sign-out');
  assert.equal(await app.page.getByTestId('sign-in').count(), 1, 'still signed out');
  assert.deepEqual(app.page.errors, [], 'no page errors');
});
