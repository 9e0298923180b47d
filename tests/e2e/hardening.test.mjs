// Hardening (issue 12): races and stale state a user can walk into, against the sandbox in headless Chromium.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage } from './harness.mjs';
import { AppPage, SignInPage, signIn } from './pages.mjs';

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

test('a CAE claims challenge asks to sign in again, sends the claims, comes back to the view, and never loops', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await app.waitForRows();
  await app.open('/#/incidents?status=active');
  await app.waitForRows();
  await sandbox.faults({ claims_challenge: 1 });
  await app.page.getByTestId('refresh').click();
  const reauth = app.page.getByTestId('reauth');
  await reauth.waitFor();
  assert.match(await reauth.innerText(), /organisation asks you to sign in again/);
  assert.doesNotMatch(await reauth.innerText(), /refresh token/);
  const authorize = app.page.waitForRequest((r) => new URL(r.url()).pathname.endsWith('/authorize'));
  await app.page.getByTestId('sign-in-again').click();
  const claims = new URL((await authorize).url()).searchParams.get('claims');
  assert.deepEqual(Object.keys(JSON.parse(claims)), ['access_token'], `the challenge's claims were sent: ${claims}`);
  const backInApp = (u) => u.toString().startsWith(sandbox.app) && !u.search;
  const picker = app.page.getByTestId('user-analyst');
  await Promise.race([app.page.waitForURL(backInApp, { timeout: 15_000 }), picker.waitFor({ timeout: 15_000 })]);
  if (await picker.count()) await picker.click();
  await app.page.waitForURL(backInApp, { timeout: 15_000 });
  await app.waitForRows();
  assert.equal(new URL(app.page.url()).hash, '#/incidents?status=active', 'back to the same view');
  // A second challenge right after: a message, no second trip to the provider.
  await sandbox.faults({ claims_challenge: 1 });
  await app.page.getByTestId('refresh').click();
  await app.apiError().waitFor();
  assert.match(await app.apiError().innerText(), /Contact your administrator/);
  assert.equal(await app.page.getByTestId('sign-in-again').count(), 0, 'no sign-in offered again');
  assert.ok(app.page.url().startsWith(sandbox.app), 'still on the app');
});

/** Starts a sign-in and stops on the provider's user picker, with the request log cleared. */
async function onThePicker() {
  const app = new AppPage(await newPage(browser), sandbox);
  await app.open();
  await app.page.getByTestId('sign-in').waitFor();
  await app.clickSignIn();
  await app.page.getByTestId('user-analyst').waitFor();
  return app;
}
/** Picks the analyst on the provider's page and accepts consent if asked, back to the app's first rows. */
async function pickAnalyst(app) {
  await app.page.getByTestId('user-analyst').click();
  const consent = app.page.getByTestId('consent-accept');
  await Promise.race([consent.waitFor({ timeout: 15_000 }), app.rows().first().waitFor({ timeout: 15_000 })]);
  if (await consent.count()) await new SignInPage(app.page).consent();
  await app.waitForRows();
}
const keyFetches = async () => (await sandbox.requests()).filter((r) => r.service === 'idp' && r.path.endsWith('/keys'));

test('the signing keys travel with the sign-in: the redirect back checks the signature without fetching them', async () => {
  const app = await onThePicker();
  await sandbox.clearRequests();
  await pickAnalyst(app);
  assert.deepEqual(await keyFetches(), [], 'no key fetch between the redirect back and the first incident');
});

test('keys rotated during the sign-in: the unknown kid gets one fresh key fetch, and the sign-in succeeds', async () => {
  const app = await onThePicker();
  const rotated = await fetch(`${sandbox.idp}/_sandbox/rotate-keys`, { method: 'POST' });
  assert.equal(rotated.status, 200);
  await sandbox.clearRequests();
  await pickAnalyst(app);
  assert.equal((await keyFetches()).length, 1, 'exactly one fresh key fetch on the way back');
  assert.equal(await app.authError().count(), 0);
});

/** Waits until the view's load has finished ("60 loaded", not "Loaded 50…"). */
const loadDone = (page) => page.waitForFunction(() => {
  const t = document.querySelector('[data-testid="progress"]')?.textContent || '';
  return / loaded/.test(t) && !/^Loaded|Paused/.test(t);
});
const ALL = 'status=all&severity=all&range=all';

const addIncident = () => fetch(`${sandbox.idp}/_sandbox/incidents`,
  { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

test('$skip paging over a queue that changes while it loads: no duplicates, and the page says the order moved', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await app.waitForRows();
  await loadDone(app.page);
  // Two incidents arrive between the first page and the second: the second page starts two rows early.
  await app.page.route((u) => u.pathname.endsWith('/api/incidents') && u.searchParams.get('$skip') === '50',
    async (route) => {
      await addIncident();
      await addIncident();
      await route.continue();
    }, { times: 1 });
  await app.open(`/#/incidents?${ALL}`);
  await loadDone(app.page);
  const text = await app.page.getByTestId('progress').innerText();
  assert.match(text, /^60 loaded — the queue changed while loading/, text);
  const exported = await app.page.evaluate(() => [...document.querySelectorAll('[data-testid="incident-row"]')]
    .map((r) => r.getAttribute('data-incident-id')));
  assert.equal(new Set(exported).size, exported.length, 'no row twice on screen');
});

test('"Assigned to me" finds incidents whose assignedTo holds the display name', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await app.waitForRows();
  await loadDone(app.page);
  const id = await app.rows().first().getAttribute('data-incident-id');
  await sandbox.patchIncident(id, { assignedTo: 'Ada Analyst' });
  await app.open(`/#/incidents?assigned=me&${ALL}`);
  await loadDone(app.page);
  const ids = await app.page.evaluate(() => [...document.querySelectorAll('[data-testid="incident-row"]')]
    .map((r) => r.getAttribute('data-incident-id')));
  assert.ok(ids.includes(id), `incident ${id}, assigned to "Ada Analyst", is Ada's (rows: ${ids.join(', ')})`);
});

test('a 429 pause shows its countdown in the progress line, and survives a reload', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await app.waitForRows();
  await sandbox.faults({ force_429: 1, retry_after: '30' });
  await app.page.getByTestId('refresh').click();
  const paused = /Paused by the API's rate limit — resuming in \d+ s/;
  await app.page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="progress"]')?.textContent || ''),
    paused.source);
  assert.doesNotMatch(await app.page.getByTestId('progress').innerText(), /Loaded/);
  const budget = JSON.parse((await app.storage()).session['onbehalf.budget']);
  assert.ok(budget.paused_until > Date.now(), 'the pause is kept in sessionStorage');
  await sandbox.clearRequests();
  await app.page.reload();
  // After the reload the page still waits out the server's pause instead of starting a fresh budget.
  await app.page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="progress"]')?.textContent || ''),
    paused.source);
  const calls = (await sandbox.requests()).filter((r) => r.service === 'defender' && r.method === 'GET');
  assert.deepEqual(calls, [], 'no incidents request during the pause');
});

test('an API answer that redirects is refused, never followed with the token', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await app.waitForRows();
  await loadDone(app.page);
  await app.page.route((u) => u.pathname.endsWith('/api/incidents') && !u.searchParams.has('redirected'),
    (route) => route.fulfill({
      status: 302,
      headers: {
        // The same API (through the relay when there is one), another query.
        location: route.request().url().replace(/\/api\/incidents.*$/, '/api/incidents?redirected=1'),
        'access-control-allow-origin': new URL(sandbox.app).origin,
      },
    }));
  await sandbox.clearRequests();
  await app.page.getByTestId('refresh').click();
  await app.apiError().waitFor();
  const followed = (await sandbox.requests()).filter((r) => (r.query || '').includes('redirected'));
  assert.deepEqual(followed, [], 'the redirect target never saw the request');
  assert.ok(await app.rows().count() > 0, 'what was on screen stays');
});
