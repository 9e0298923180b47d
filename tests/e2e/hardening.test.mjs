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

test('code and state leave the address bar at once, even when config.json fails to load', async () => {
  const page = await newPage(browser);
  await page.route((u) => u.pathname.endsWith('/config.json'), (r) => r.fulfill({ status: 500, body: 'down' }));
  const app = new AppPage(page, sandbox);
  await app.open('/?code=leaked-code&state=leaked-state#/incidents');
  await page.getByTestId('config-error').waitFor();
  const url = new URL(page.url());
  assert.equal(url.search, '', `no code or state left in ${url}`);
  assert.equal(url.hash, '#/incidents', 'the view stays');
});

test('a sign-in link with an unknown state does not hide the stored session: a quiet notice instead', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await app.waitForRows();
  const before = (await app.storage()).session['onbehalf.session'];
  await sandbox.clearRequests();
  await app.open('/?code=someone-elses-code&state=not-from-this-tab');
  await app.page.getByTestId('notice').waitFor();
  assert.match(await app.page.getByTestId('notice').innerText(), /did not belong to a sign-in started in this tab/);
  await app.waitForRows();
  assert.equal(await app.authError().count(), 0, 'no sign-in error over the queue');
  const st = await app.storage();
  assert.equal(st.session['onbehalf.session'], before, 'the same session');
  assert.equal(new URL(st.url).search, '', 'the response left the address bar');
  const reqs = await sandbox.requests();
  assert.equal(reqs.filter((r) => r.service === 'idp' && r.path.endsWith('/token')).length, 0, 'the code was never redeemed');
});

test('pending sign-ins older than 15 minutes are purged at page start; fresh ones stay', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await app.open();
  await app.page.getByTestId('sign-in').waitFor();
  await app.page.evaluate(() => {
    const now = Math.floor(Date.now() / 1000);
    const rec = (state, at) => JSON.stringify({ state, nonce: 'n', verifier: 'v'.repeat(43), issuer: 'i',
      redirect_uri: location.origin + '/', return_to: '#/incidents', created_at: at, provider: null, authority: '' });
    sessionStorage.setItem('onbehalf.pending.old', rec('old', now - 16 * 60));
    sessionStorage.setItem('onbehalf.pending.fresh', rec('fresh', now - 60));
    sessionStorage.setItem('onbehalf.pending.junk', '{not json');
  });
  await app.page.reload();
  await app.page.getByTestId('sign-in').waitFor();
  const keys = Object.keys((await app.storage()).session).filter((k) => k.startsWith('onbehalf.pending.'));
  assert.deepEqual(keys, ['onbehalf.pending.fresh']);
});
