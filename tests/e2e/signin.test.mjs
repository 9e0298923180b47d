// Sign in → incidents, through the real redirects, against the sandbox tenant in headless Chromium.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage, shot } from './harness.mjs';
import { AppPage, SignInPage, signIn, INCIDENT_READ } from './pages.mjs';

let sandbox, browser;
before(async () => {
  sandbox = await startSandbox(['--incidents', '120']);
  browser = await startBrowser();
});
after(async () => { await browser?.close(); sandbox?.stop(); });
beforeEach(async () => { await sandbox.reset(); });

// Runs in the page before its scripts: the time the first incident row enters the DOM.
const markFirstRow = () => {
  new MutationObserver((_, obs) => {
    if (document.querySelector('[data-testid="incident-row"]')) { window.__firstRowAt = performance.now(); obs.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
};

test('sign in shows incidents; the token lives only in sessionStorage', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await app.page.addInitScript(markFirstRow);
  await signIn(app);
  const n = await app.waitForRows();
  assert.ok(n > 0 && n <= 50, `one screen of rows (got ${n})`);
  const reqs = await sandbox.requests();
  const apiCalls = reqs.filter((r) => r.service === 'defender' && r.method === 'GET');
  assert.match(apiCalls[0].query, /\$top=50(&|$)/, 'the first request asks for one screen');
  const { rowAt, incidents } = await app.page.evaluate(() => ({
    rowAt: window.__firstRowAt,
    incidents: performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/incidents')).map((r) => r.startTime),
  }));
  assert.ok(rowAt > 0 && incidents.length >= 1, 'row and request timings recorded');
  assert.equal(incidents.filter((t) => t < rowAt).length, 1, 'the first screen costs one incidents request');
  assert.equal(reqs.filter((r) => r.path.endsWith('/openid-configuration')).length, 1,
    'discovery once, on the sign-in screen: the redirect back reuses the metadata the sign-in checked');
  await app.showToken();
  assert.match(await app.claim('scp').innerText(), /Incident\.Read/);
  assert.equal(await app.claim('preferred_username').innerText(), 'ada.analyst@sandbox.onbehalf.test');

  const st = await app.storage();
  const session = st.session['onbehalf.session'];
  assert.ok(session, 'session stored in sessionStorage');
  const token = JSON.parse(session).access_token;
  assert.ok(token && token.split('.').length === 3, 'an access token (JWT) is stored');
  assert.deepEqual(st.local, {}, 'nothing in localStorage');
  assert.equal(st.cookies, '', 'no cookies on the app origin');
  assert.ok(!st.url.includes(token) && !st.url.includes('code=') && !st.url.includes('state='),
    'no token, code or state left in the address bar');
  assert.deepEqual(Object.keys(st.session).filter((k) => k.startsWith('onbehalf.pending')), [],
    'the pending request is consumed');
  assert.deepEqual(app.page.errors, []);
  await shot(app.page, 'signed-in');
});

test('reload keeps the session without another sign-in', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await app.waitForRows();
  await sandbox.clearRequests();
  await app.page.reload();
  await app.waitForRows();
  const reqs = await sandbox.requests();
  assert.equal(reqs.filter((r) => r.path.endsWith('/authorize') || r.path.endsWith('/token')).length, 0,
    'no new authorize or token request after reload');
});

test('a wide view loads every page in the background and shows 50 rows a screen', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await app.waitForRows();
  await app.page.goto(`${sandbox.app}/#/incidents?status=all&severity=all&range=all`);
  await app.page.getByTestId('page-info').filter({ hasText: 'of 120' }).waitFor();
  assert.equal(await app.page.getByTestId('page-info').innerText(), 'Showing 1–50 of 120');
  assert.equal(await app.rows().count(), 50);
  await app.page.getByTestId('page-next').click();
  await app.page.getByTestId('page-next').click();
  await app.page.getByTestId('page-info').filter({ hasText: '101–120' }).waitFor();
  assert.equal(await app.rows().count(), 20);
  assert.ok(await app.page.getByTestId('page-next').isDisabled());
});

test('an expiring token is renewed silently with the refresh token', async () => {
  await sandbox.faults({ token_lifetime_secs: 6 });
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await app.waitForRows();
  const before = JSON.parse((await app.storage()).session['onbehalf.session']);
  await app.page.waitForFunction((old) => {
    const s = JSON.parse(sessionStorage.getItem('onbehalf.session') || 'null');
    return s && s.access_token !== old;
  }, before.access_token, { timeout: 20_000 });
  const after = JSON.parse((await app.storage()).session['onbehalf.session']);
  assert.notEqual(after.refresh_token, before.refresh_token, 'the refresh token rotated');
  assert.equal(await app.page.getByTestId('reauth').count(), 0, 'no sign-in prompt');
  const refreshes = (await sandbox.requests()).filter((r) => r.service === 'idp' && r.path.endsWith('/token'));
  assert.ok(refreshes.length >= 2, 'code exchange then at least one refresh');
  await sandbox.faults({ token_lifetime_secs: 3600 });
});

test('a user who withholds Incident.Read sees which permission is missing', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app, { withhold: [INCIDENT_READ] });
  await app.apiError().waitFor();
  const text = await app.apiError().innerText();
  assert.match(text, /Incident\.Read/);
  assert.match(text, /consent/i);
  const link = await app.apiError().locator('a').getAttribute('href');
  assert.ok(link.startsWith(`${sandbox.idp}/`) && link.includes('adminconsent'), `admin-consent link: ${link}`);
  assert.equal(await app.page.getByTestId('permission-check').getAttribute('data-granted'), 'false');
  await shot(app.page, 'forbidden');
});

test('declining consent shows the provider error as text, with AADSTS explained', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await app.open();
  await app.clickSignIn();
  const idp = new SignInPage(app.page);
  await idp.pickUser('analyst');
  await idp.decline();
  await app.authError().waitFor();
  const text = await app.authError().innerText();
  assert.match(text, /AADSTS65004/);
  assert.match(text, /declined/i);
  assert.equal((await app.storage()).session['onbehalf.session'], undefined, 'no session stored');
});

test('a 429 is waited out and the queue then loads', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await app.waitForRows();
  // The rest of the view loads in the background after the first screen: the fault must meet the refresh, not
  // one of those pages, so wait until the load is over (Refresh is enabled again).
  await app.page.waitForFunction(() => document.querySelector('[data-testid="refresh"]')?.disabled === false);
  await sandbox.faults({ force_429: 1, retry_after: '2' });
  await app.page.getByTestId('refresh').click();
  await app.page.getByTestId('retry-countdown').waitFor({ timeout: 5000 });
  assert.ok(await app.rows().count() > 0, 'what was on screen stays while waiting');
  await app.page.getByTestId('api-error').waitFor({ state: 'detached', timeout: 15_000 });
  const calls = (await sandbox.requests()).filter((r) => r.service === 'defender' && r.method === 'GET');
  assert.ok(calls.some((r) => r.status === 429) && calls.at(-1).status === 200, 'a 429 then a success');
});

test('sign out clears storage and ends the provider session', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await app.waitForRows();
  await app.clickSignOut();
  await app.page.waitForURL((u) => u.toString().startsWith(sandbox.app));
  await app.page.getByTestId('sign-in').waitFor();
  const st = await app.storage();
  assert.deepEqual(Object.keys(st.session).filter((k) => k.startsWith('onbehalf.')), []);
  assert.ok((await sandbox.requests()).some((r) => r.path.endsWith('/logout')), 'the end-session endpoint was visited');
});

test('the Graph source signs in for SecurityIncident.Read.All and pages with @odata.nextLink', async () => {
  const graph = await startSandbox(['--incidents', '120', '--source', 'graph']);
  try {
    const app = new AppPage(await newPage(browser), graph);
    await signIn(app);
    await app.waitForRows();
    assert.match(await app.claim('scp').innerText(), /SecurityIncident\.Read\.All/);
    assert.equal(await app.claim('aud').innerText(), 'https://graph.microsoft.com');
    await app.page.goto(`${graph.app}/#/incidents?status=all&severity=all&range=all`);
    await app.page.getByTestId('page-info').filter({ hasText: 'of 120' }).waitFor();
    const calls = (await graph.requests()).filter((r) => r.service === 'graph' && r.method === 'GET');
    assert.ok(calls.some((r) => decodeURIComponent(r.query).includes('$skip=50')), 'followed the next link');
    assert.deepEqual(app.page.errors, []);
  } finally {
    graph.stop();
  }
});
