// Hunting at the attack's time and readable (issue 21.3, 21.8): a pivot from an incident whose alerts are older
// than 7 days hunts its own span (a `between` window, editable) and finds the rows of that time; a failed query
// after a good one leaves the old rows labelled as the previous query's and not exportable; beside a Defender
// sign-in the hunt asks for Graph's hunting permission on the sign-in page (in an analyst's words, the AADSTS
// code only behind Details) and then runs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage } from './harness.mjs';
import { AppPage, SignInPage, signIn } from './pages.mjs';

const WIDE = '#/incidents?status=all&severity=all&range=all';
const DAY = 86_400_000;

/** The outcome of the run in progress: its error or unavailability, or its status once no longer "Running". */
const waitOutcome = async (app) => (await app.page.waitForFunction(() => {
  for (const id of ['hunt-error', 'hunt-unavailable']) {
    const e = document.querySelector(`[data-testid="${id}"]`);
    if (e) return e.innerText;
  }
  const s = document.querySelector('[data-testid="hunt-status"]');
  return s && !s.textContent.startsWith('Running') ? s.innerText : null;
}, null, { timeout: 20_000 })).jsonValue();

/** The query a pivot link opens. */
const queryOf = (href) => new URLSearchParams(href.split('?')[1]).get('q');
const span = (q) => {
  const m = q.match(/Timestamp between \(datetime\(([^)]+)\) \.\. datetime\(([^)]+)\)\)/);
  return m && [Date.parse(m[1]), Date.parse(m[2])];
};

describe('hunting at the incident\'s time (graph)', () => {
  let sandbox, browser, app;
  before(async () => {
    sandbox = await startSandbox(['--source', 'graph', '--incidents', '60', '--seed', '7']);
    browser = await startBrowser();
    app = new AppPage(await newPage(browser, { viewport: { width: 1280, height: 800 } }), sandbox);
  });
  after(async () => {
    const errors = app?.page.errors ?? [];
    await browser?.close();
    sandbox?.stop();
    assert.deepEqual(errors, [], 'no uncaught error reached the page');
  });

  test('a device pivot from an incident older than 7 days covers its alerts\' times and finds their rows', async () => {
    await signIn(app);
    await app.waitForRows();
    await app.page.evaluate((h) => { location.hash = h; }, WIDE);
    await app.waitForRows();
    const now = Date.now();
    let pivot = null;
    let window = null;
    for (const id of await app.page.$$eval('[data-testid="incident-row"]', (rs) => rs.map((r) => r.dataset.incidentId))) {
      await app.page.evaluate((i) => { location.hash = `#/incidents/${i}?status=all&severity=all&range=all`; }, id);
      await app.page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`).waitFor();
      const links = app.page.locator('[data-testid="devices"] [data-testid="hunt-pivot"][data-kind="device"]');
      if (!(await links.count())) continue;
      const w = span(queryOf(await links.first().getAttribute('href')) ?? '');
      // Alerts older than 7 days (the window ends a day after the last alert).
      if (w && w[1] < now - 8 * DAY && w[0] > now - 29 * DAY) { pivot = links.first(); window = w; break; }
    }
    assert.ok(pivot, 'some incident older than 7 days has a device to hunt from');
    await pivot.click();
    await app.page.getByTestId('hunt-page').waitFor();
    const editor = app.page.getByTestId('hunt-query');
    const q = await editor.inputValue();
    assert.match(q, /^DeviceProcessEvents\n\| where Timestamp between \(datetime\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\) \.\. datetime\(/, q);
    assert.ok(!q.includes('ago('), 'not a look-back from now');
    assert.equal(await app.page.getByTestId('hunt-lookback').count(), 0);
    // The span is editable: one day earlier rewrites the query in place.
    const from = app.page.getByTestId('hunt-span-from');
    const earlier = new Date(window[0] - DAY).toISOString().replace('.000Z', 'Z');
    await from.fill(earlier);
    await from.dispatchEvent('change');
    assert.ok((await editor.inputValue()).includes(`between (datetime(${earlier}) .. `), await editor.inputValue());
    await app.page.getByTestId('hunt-run').click();
    await app.page.getByTestId('hunt-consent').click();
    await app.page.getByTestId('consent-accept').waitFor({ timeout: 15_000 });
    await new SignInPage(app.page).consent();
    const status = await waitOutcome(app);
    assert.match(status, /^\d[\d,]* rows? in/, status);
    // The rows are of the incident's time: every Timestamp (its UTC text in the tooltip) inside the window, and
    // older than the 7 days a look-back from now would have shown.
    const times = await app.page.$$eval('[data-testid="hunt-row"] td.time', (tds) => tds.map((t) => [t.title, t.textContent]));
    assert.ok(times.length > 0, 'the device has processes at the incident\'s time');
    for (const [utc, shown] of times) {
      const t = Date.parse(utc);
      assert.ok(t >= window[0] - DAY && t <= window[1], `${utc} inside the window`);
      assert.ok(t < now - 7 * DAY, `${utc} older than 7 days`);
      assert.ok(!shown.includes('…') && !shown.endsWith('Z'), `a whole local time, not the raw UTC: ${shown}`);
    }
    assert.match(await app.page.locator('th:has([data-column="Timestamp"]) .col-type').innerText(), /^datetime, UTC/);
    // Long values are whole in the table (wrapping), not cut to a tooltip.
    const overflow = await app.page.$$eval('[data-testid="hunt-row"] td', (tds) => tds.filter((t) => t.scrollWidth > t.clientWidth + 1).length);
    assert.equal(overflow, 0, 'no cell is cut');
  });

  test('a failed query after a good one leaves the old rows labelled and not exportable', async () => {
    const editor = app.page.getByTestId('hunt-query');
    assert.equal(await app.page.getByTestId('hunt-stale').count(), 0);
    assert.equal(await app.page.getByTestId('hunt-export-csv').isDisabled(), false);
    await editor.fill('DeviceProcessEvents\n| wher FileName == "x"');
    await editor.press('Control+Enter');
    assert.match(await waitOutcome(app), /error at line 2/);
    const stale = app.page.getByTestId('hunt-stale');
    await stale.waitFor();
    assert.match(await stale.innerText(), /previous query/);
    assert.equal(await app.page.getByTestId('hunt-results').getAttribute('data-stale'), 'true');
    assert.equal(await app.page.getByTestId('hunt-export-csv').isDisabled(), true);
    assert.equal(await app.page.getByTestId('hunt-export-json').isDisabled(), true);
    // A good query again: the label goes, export comes back.
    await editor.fill('DeviceProcessEvents | take 3');
    await editor.press('Control+Enter');
    assert.match(await waitOutcome(app), /rows? in/);
    assert.equal(await app.page.getByTestId('hunt-stale').count(), 0);
    assert.equal(await app.page.getByTestId('hunt-export-csv').isDisabled(), false);
  });
});

describe('hunting beside a Defender sign-in', () => {
  let sandbox, browser;
  before(async () => {
    sandbox = await startSandbox(['--source', 'defender', '--incidents', '40', '--seed', '7']);
    browser = await startBrowser();
  });
  after(async () => { await browser?.close(); sandbox?.stop(); });

  test('asks for Graph\'s hunting permission in an analyst\'s words, on the sign-in page, then hunts', async () => {
    const app = new AppPage(await newPage(browser, { viewport: { width: 1280, height: 800 } }), sandbox);
    await signIn(app);
    await app.waitForRows();
    await app.page.evaluate(() => { location.hash = '#/hunt?q=DeviceProcessEvents%20%7C%20take%205'; });
    await app.page.getByTestId('hunt-run').click();
    const why = app.page.getByTestId('hunt-unavailable');
    await why.waitFor({ timeout: 15_000 });
    const said = await why.locator(':scope > p').allInnerTexts();
    assert.match(said.join(' '), /ThreatHunting\.Read\.All/);
    for (const s of said) assert.ok(!/AADSTS|scripts\/|register-app/.test(s), `plain words: ${s}`);
    await why.locator('summary').click();
    assert.match(await why.innerText(), /AADSTS65001/, 'the code behind Details');
    await app.page.getByTestId('hunt-consent').click();
    await app.page.getByTestId('consent-accept').waitFor({ timeout: 15_000 });
    const offered = await app.page.locator('[data-testid="consent-scope"]').evaluateAll((e) => e.map((x) => x.value));
    assert.deepEqual(offered, ['https://graph.microsoft.com/ThreatHunting.Read.All']);
    await new SignInPage(app.page).consent();
    const status = await waitOutcome(app);
    assert.match(status, /^\d[\d,]* rows? in/, status);
    assert.ok(await app.page.getByTestId('hunt-row').count() > 0);
    const stored = await app.storage();
    assert.ok(JSON.parse(stored.session['onbehalf.hunt_token']).scopes.some((s) => s.endsWith('/ThreatHunting.Read.All')));
    // The sign-in still names Defender: the queue loads.
    await app.page.evaluate(() => { location.hash = '#/incidents'; });
    await app.waitForRows();
    assert.deepEqual(app.page.errors, []);
    await app.page.context().close();
  });
});
