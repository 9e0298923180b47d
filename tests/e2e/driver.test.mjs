// The one request driver (issue 20), seen from the wire: a write whose token the API refuses renews it and lands
// with exactly one successful PATCH; a write waiting out a 503 and a hunt waiting on the request budget send
// nothing more once the analyst has signed out. The provider names no end-session endpoint, so signing out ends
// only this tab's session and the page that started the call stays alive and could still send: only the driver's
// fence stops it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage } from './harness.mjs';
import { AppPage, SignInPage, signIn } from './pages.mjs';

const WIDE = '#/incidents?status=all&severity=all&range=all';
// Longer than every wait the driver could still be in (backoff 1 + 2 + 4 s; the budget's 6 s pause below):
// an absence is asserted only after it.
const QUIET_MS = 9_000;

/**
 * A provider whose discovery document names no end-session endpoint: signing out then ends only this tab's
 * session and the page stays, so a call still waiting in it could send (only the driver's fence stops it).
 */
const withoutEndSession = (page) => page.route(/openid-configuration/, async (route) => {
  const response = await route.fetch();
  const json = await response.json();
  delete json.end_session_endpoint;
  await route.fulfill({ response, json });
});

/** Signs out (this tab only); resolves with the list that collects every API request the page starts from then on. */
const signOutHere = async (app, sandbox) => {
  const late = [];
  app.page.on('request', (r) => {
    const u = r.url();
    if ([sandbox.defender, sandbox.defenderApi, sandbox.graph].some((o) => u.startsWith(o))) late.push(`${r.method()} ${new URL(u).pathname}`);
  });
  await app.clickSignOut();
  await app.page.getByTestId('sign-in').waitFor();
  assert.equal(await app.page.evaluate(() => sessionStorage.getItem('onbehalf.session')), null);
  return late;
};

/** Polls `check` (a sandbox query) until it holds. */
const until = async (check, what) => {
  for (let i = 0; !(await check()); i++) {
    assert.ok(i < 1500, what);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * A sandbox and a signed-out page for one group of tests, set up before them and checked after them (no uncaught
 * error reached the page); the returned function hands them over once `before` has run.
 */
const onSandbox = (args) => {
  let sandbox, browser, app;
  before(async () => {
    sandbox = await startSandbox(args);
    browser = await startBrowser();
    app = new AppPage(await newPage(browser, { bypassCSP: true }), sandbox);
    await withoutEndSession(app.page);
  });
  after(async () => {
    const errors = app?.page.errors ?? [];
    await browser?.close();
    sandbox?.stop();
    assert.deepEqual(errors, [], 'no uncaught error reached the page');
  });
  return () => ({ sandbox, app });
};

describe('the request driver (defender)', () => {
  let sandbox, app;
  const page = onSandbox(['--source', 'defender', '--incidents', '40', '--seed', '11']);
  before(() => { ({ sandbox, app } = page()); });

  const patches = async () => (await sandbox.requests()).filter((r) => r.service === 'defender' && r.method === 'PATCH');
  const openIncident = async (n) => {
    await app.page.evaluate((h) => { location.hash = h; }, WIDE);
    await app.waitForRows();
    const row = app.rows().nth(n);
    const id = await row.getAttribute('data-incident-id');
    await row.getByTestId('incident-link').click();
    await app.page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`).waitFor();
    return id;
  };
  const activity = () => app.page.locator('[data-testid="activity-log"] li');
  const acted = async (gesture) => {
    const before = await activity().count();
    await gesture();
    await app.page.waitForFunction((n) => document.querySelectorAll('[data-testid="activity-log"] li').length > n, before, { timeout: 30_000 });
    return activity().first().textContent();
  };

  test('a write whose token the API refuses renews it and sends one PATCH that succeeds', async () => {
    await signIn(app);
    await app.waitForRows();
    // The write permission, by incremental consent (its own PATCH, confirmed after the redirect).
    await openIncident(0);
    await app.page.getByTestId('action-assign-me').click();
    await app.page.getByTestId('action-consent-go').click();
    await new SignInPage(app.page).consent();
    await app.page.getByTestId('action-confirm').waitFor({ timeout: 15_000 });
    await acted(() => app.page.getByTestId('action-confirm').click());

    const id = await openIncident(1);
    // New signing keys: the token the page holds is refused from now on, as an expired one is (401).
    const rotated = await fetch(`${sandbox.idp}/_sandbox/rotate-keys`, { method: 'POST' });
    assert.equal(rotated.status, 200);
    await sandbox.clearRequests();
    const line = await acted(() => app.page.getByTestId('action-assign-me').click());
    assert.match(line, /done/i, line);
    const log = await sandbox.requests();
    const sent = log.filter((r) => r.service === 'defender' && r.method === 'PATCH');
    assert.deepEqual(sent.map((r) => [r.path, r.status]), [[`/api/incidents/${id}`, 401], [`/api/incidents/${id}`, 200]],
      'refused once, renewed, sent once more');
    const renewals = log.filter((r) => r.path.endsWith('/oauth2/v2.0/token'));
    assert.equal(renewals.length, 1, 'one renewal');
    assert.ok(log.indexOf(renewals[0]) < log.indexOf(sent[1]), 'the second PATCH carries the renewed token');
  });

  test('signing out while a write waits out a 503 sends no second PATCH', async () => {
    const id = await openIncident(2);
    await sandbox.clearRequests();
    await sandbox.faults({ error_rate: 1.0 });
    await app.page.getByTestId('action-assign-me').click();
    // The first PATCH failed: the driver now waits (1 s, then 2, then 4) before sending it again.
    await until(async () => (await patches()).length > 0, 'the PATCH was sent');
    const late = await signOutHere(app, sandbox);
    await sandbox.faults({ error_rate: 0.0 });
    await new Promise((r) => setTimeout(r, QUIET_MS));
    assert.deepEqual(late, [], 'no API call after the sign-out');
    assert.deepEqual((await patches()).map((r) => r.path), [`/api/incidents/${id}`], 'the one PATCH before it');
  });
});

describe('the request driver (graph hunting)', () => {
  let sandbox, app;
  const page = onSandbox(['--source', 'graph', '--incidents', '40', '--seed', '7']);
  before(() => { ({ sandbox, app } = page()); });

  const hunts = async () => (await sandbox.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/runHuntingQuery'));
  const outcome = () => app.page.waitForFunction(() => {
    const e = document.querySelector('[data-testid="hunt-error"]');
    if (e) return e.innerText;
    const s = document.querySelector('[data-testid="hunt-status"]');
    return s && !s.textContent.startsWith('Running') ? s.innerText : null;
  }, null, { timeout: 20_000 });

  test('signing out while a hunt waits on the request budget sends no hunt', async () => {
    await signIn(app);
    await app.waitForRows();
    // The hunting permission first (the hunt the analyst ran comes back and runs once).
    await app.page.evaluate(() => { location.hash = '#/hunt'; });
    await app.page.getByTestId('hunt-query').fill('DeviceInfo | take 1');
    await app.page.getByTestId('hunt-run').click();
    await app.page.getByTestId('hunt-consent').click();
    await new SignInPage(app.page).consent();
    await outcome();
    assert.equal((await hunts()).length, 1);

    // A 429 on the queue pauses the budget every request waits on, for the server's 6 s.
    await sandbox.faults({ force_429: 1, retry_after: '6' });
    await app.page.evaluate((h) => { location.hash = h; }, WIDE);
    await until(async () => (await sandbox.requests()).some((r) => r.status === 429), 'the queue met the 429');
    await app.page.evaluate(() => { location.hash = '#/hunt'; });
    await app.page.getByTestId('hunt-query').fill('DeviceInfo | take 2');
    await sandbox.clearRequests();
    await app.page.getByTestId('hunt-run').click();
    await app.page.getByTestId('hunt-status').waitFor();
    const late = await signOutHere(app, sandbox);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    assert.equal((await hunts()).length, 0, 'the hunt that waited on the budget was never sent');
    assert.deepEqual(late, [], 'no API call after the sign-out');
  });
});
