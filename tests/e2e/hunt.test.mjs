// Hunting on the analyst's behalf (issue 16), Graph source: a pivot from an incident's device opens a prepared
// hunt whose window is editable, asks once for ThreatHunting.Read.All and runs after consent with the device's
// rows; a typed query's syntax error is explained at its place; the query round-trips through the URL; the
// exports hold the table's rows; declined consent leaves the page usable; a quota 429 says which limit and when
// it resets, and nothing is sent again by itself.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSandbox, startBrowser, newPage, shot } from './harness.mjs';
import { AppPage, SignInPage, signIn } from './pages.mjs';

const WIDE = '#/incidents?status=all&severity=all&range=all';
const SCOPE = 'ThreatHunting.Read.All';

// The tests of this group share one signed-in page, `app`, and run in order: the first grants the hunting
// permission (consent once), and the later ones run hunts on that grant. Tests that need a state of their own
// (a shared link, a declined consent) open a page of their own.
describe('hunting (graph)', () => {
  let sandbox, browser, app;
  const bodies = [];
  before(async () => {
    sandbox = await startSandbox(['--source', 'graph', '--incidents', '60', '--seed', '7']);
    browser = await startBrowser();
    app = new AppPage(await newPage(browser, { viewport: { width: 1280, height: 800 }, acceptDownloads: true }), sandbox);
    app.page.on('request', (r) => { if (r.url().endsWith('/runHuntingQuery')) bodies.push(JSON.parse(r.postData())); });
  });
  after(async () => {
    const errors = app?.page.errors ?? [];
    await browser?.close();
    sandbox?.stop();
    assert.deepEqual(errors, [], 'no uncaught error reached the page');
  });

  const editor = (a = app) => a.page.getByTestId('hunt-query');
  // The POSTs (each also has its CORS preflight).
  const hunts = async () => (await sandbox.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/runHuntingQuery'));
  /** Types `query` into the editor and runs it with Ctrl+Enter; resolves with the status or error shown. */
  const runTyped = async (query, a = app) => {
    await editor(a).fill(query);
    await editor(a).press('Control+Enter');
    return waitOutcome(a);
  };
  /** The outcome of the run in progress: its error, or its status once it is no longer "Running". */
  const waitOutcome = async (a = app) => {
    const h = await a.page.waitForFunction(() => {
      const e = document.querySelector('[data-testid="hunt-error"]');
      if (e) return e.innerText;
      const s = document.querySelector('[data-testid="hunt-status"]');
      return s && !s.textContent.startsWith('Running') ? s.innerText : null;
    }, null, { timeout: 15_000 });
    return h.jsonValue();
  };
  const cells = (a, column) => a.page.evaluate((name) => {
    const heads = [...document.querySelectorAll('[data-testid="hunt-col"]')].map((b) => b.dataset.column);
    const i = heads.indexOf(name);
    return [...document.querySelectorAll('[data-testid="hunt-row"]')].map((r) => r.children[i]?.textContent ?? null);
  }, column);

  test('a pivot from an incident\'s device opens its prepared hunt; consent once, then the device\'s rows', async () => {
    await signIn(app);
    await app.waitForRows();
    await app.page.evaluate((h) => { location.hash = h; }, WIDE);
    await app.waitForRows();
    // The first incident with a named device.
    let pivot = null;
    for (const id of await app.page.$$eval('[data-testid="incident-row"]', (rs) => rs.map((r) => r.dataset.incidentId))) {
      await app.page.evaluate((i) => { location.hash = `#/incidents/${i}?status=all&severity=all&range=all`; }, id);
      await app.page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`).waitFor();
      const links = app.page.locator('[data-testid="devices"] [data-testid="hunt-pivot"][data-kind="device"]');
      if (await links.count()) { pivot = links.first(); break; }
    }
    assert.ok(pivot, 'some incident has a device to hunt from');
    const device = (await pivot.locator('xpath=ancestor::*[@data-testid="device-card"][1]/strong').innerText()).trim();
    assert.equal((await pivot.innerText()).trim(), 'Processes');
        await pivot.scrollIntoViewIfNeeded();
    await shot(app.page, 'hunt-pivot-incident');
    await pivot.click();
    await app.page.getByTestId('hunt-page').waitFor();
    const q = await editor().inputValue();
    assert.ok(q.startsWith('DeviceProcessEvents\n| where Timestamp between (datetime('), q);
    assert.ok(q.includes(`| where DeviceName =~ "${device}"\n`), q);
    assert.match(await app.page.evaluate(() => location.hash), /^#\/hunt\?q=DeviceProcessEvents%0A/);
    // The window is editable: the pivot's span becomes a 30-day look-back typed in its place.
    await editor().fill(q.replace(/Timestamp between \([^\n]*\)\)/, 'Timestamp > ago(7d)'));
    await app.page.getByTestId('hunt-lookback').selectOption('30');
    assert.ok((await editor().inputValue()).includes('| where Timestamp > ago(30d)\n'));

    // The token panel lists the hunting call and its permission, not yet granted.
    const perm = app.page.getByTestId('permission-hunt');
    assert.match(await perm.innerText(), /runHuntingQuery.*ThreatHunting\.Read\.All/s);
    assert.equal(await perm.getAttribute('data-granted'), 'false');

    await app.page.getByTestId('hunt-run').click();
    const ask = app.page.getByTestId('hunt-needs-consent');
    await ask.waitFor();
    assert.match(await ask.innerText(), /ThreatHunting\.Read\.All/);
    assert.equal((await hunts()).length, 0, 'nothing is sent without the permission');
    await app.page.getByTestId('hunt-consent').click();
    await app.page.getByTestId('consent-accept').waitFor({ timeout: 15_000 });
    const offered = await app.page.locator('[data-testid="consent-scope"]').evaluateAll((e) => e.map((x) => x.value));
    assert.deepEqual(offered.map((s) => s.split('/').pop()), [SCOPE], 'only the hunting permission is asked');
    await new SignInPage(app.page).consent();

    // Back on the hunt, which runs once (the analyst's gesture was Run).
    const status = await waitOutcome();
    assert.match(status, /^\d[\d,]* rows? in \d+\.\d\d s/, status);
    assert.ok((await editor().inputValue()).includes('ago(30d)'), 'the edited window came back');
    assert.equal((await hunts()).length, 1);
    assert.ok(bodies.at(-1).Query.includes(`DeviceName =~ "${device}"`));
    const names = await cells(app, 'DeviceName');
    assert.ok(names.length > 0, 'the device has processes in the window');
    for (const n of names) assert.equal(n.toLowerCase(), device.toLowerCase());
    assert.equal(await app.page.locator('[data-testid="hunt-col"]').first().getAttribute('data-column'), 'Timestamp');
    assert.equal(await perm.getAttribute('data-granted'), 'true');
    await shot(app.page, 'hunt-pivot');
    await app.page.setViewportSize({ width: 390, height: 844 });
    await shot(app.page, 'hunt-pivot-mobile');
    await app.page.setViewportSize({ width: 1280, height: 800 });

  });

  test('a typed query with a syntax error is explained at its place', async () => {
    const before = (await hunts()).length;
    const text = await runTyped('DeviceProcessEvents\n| wher FileName == "cmd.exe"\n| take 5');
    const m = text.match(/error at line (\d+), column (\d+)/);
    assert.ok(m, text);
    assert.equal(m[1], '2', 'the second line is named');
    const column = Number(m[2]);
    const place = await app.page.getByTestId('hunt-error-place').innerText();
    const [line, caret] = place.split('\n');
    assert.equal(line, '| wher FileName == "cmd.exe"');
    assert.equal(caret.indexOf('^'), column - 1, 'the caret is under the named column');
    await app.page.getByTestId('hunt-error-goto').click();
    const at = await editor().evaluate((t) => t.selectionStart);
    assert.equal(at, 'DeviceProcessEvents\n'.length + column - 1, 'the editor puts the caret at the place');
    assert.equal((await hunts()).length, before + 1, 'one query sent, no retry');
    // Bracket matching: the caret after "(" names its partner.
    await editor().fill('T | where A in ("x", "y")');
    await editor().evaluate((t) => { t.setSelectionRange(16, 16); });
    await editor().press('ArrowRight');
    await editor().press('ArrowLeft');
    assert.match(await app.page.getByTestId('hunt-brackets').innerText(), /line 1, column 16 matches line 1, column 25/);
  });

  test('the query and timespan round-trip through the URL: reload, Back, a shared link', async () => {
    const first = 'DeviceNetworkEvents\n| where RemotePort == 443\n| take 3';
    await app.page.getByTestId('hunt-timespan').fill('P14D');
    await runTyped(first);
    assert.equal(bodies.at(-1).Timespan, 'P14D');
    const hash = await app.page.evaluate(() => location.hash);
    assert.match(hash, /^#\/hunt\?q=DeviceNetworkEvents%0A%7C%20where.*&t=P14D$/);
    await runTyped('EmailEvents | take 2');
    await app.page.goBack();
    await app.page.waitForFunction((q) => document.querySelector('[data-testid="hunt-query"]')?.value === q, first);
    assert.equal(await app.page.getByTestId('hunt-timespan').inputValue(), 'P14D');
    await app.page.reload();
    await app.page.getByTestId('hunt-page').waitFor();
    assert.equal(await editor().inputValue(), first);
    assert.equal(await app.page.getByTestId('hunt-timespan').inputValue(), 'P14D');
    // The link opened in another browser: sign in from it, and the hunt is what comes back.
    const other = new AppPage(await newPage(browser), sandbox);
    await other.open(`/${hash}`);
    await other.clickSignIn();
    await new SignInPage(other.page).pickUser('analyst');
    const back = other.page.getByTestId('hunt-page');
    const asked = await Promise.race([
      other.page.getByTestId('consent-accept').waitFor({ timeout: 15_000 }).then(() => true),
      back.waitFor({ timeout: 15_000 }).then(() => false),
    ]);
    if (asked) await new SignInPage(other.page).consent();
    await back.waitFor({ timeout: 15_000 });
    assert.equal(await editor(other).inputValue(), first);
    await other.page.context().close();
  });

  test('a table opens to its columns (getschema), and a column goes into the query', async () => {
    const table = app.page.locator('[data-testid="hunt-table"][data-table="DeviceNetworkEvents"]');
    await table.locator('summary').click();
    const column = table.getByTestId('hunt-column').filter({ hasText: /^RemoteIP$/ });
    await column.waitFor({ timeout: 15_000 });
    assert.match(await table.innerText(), /RemotePort\s+int/);
    assert.equal(bodies.at(-1).Query, 'DeviceNetworkEvents | getschema');
    await editor().fill('DeviceNetworkEvents | project');
    await column.click();
    assert.equal(await editor().inputValue(), 'DeviceNetworkEvents | project RemoteIP');
    // Asked once: closing and opening it again sends nothing. The toggle event fires after the click (and two
    // quick ones may merge), so each click waits for its own; the count is read after a Run, which queues behind
    // anything they sent.
    const sent = (await hunts()).length;
    const sentBodies = bodies.length;
    await table.evaluate((d) => { d.toggles = 0; d.addEventListener('toggle', () => { d.toggles += 1; }); });
    for (const n of [1, 2]) {
      await table.locator('summary').click();
      await table.evaluate((d, want) => new Promise((done) => {
        const check = () => (d.toggles >= want ? done() : requestAnimationFrame(check));
        check();
      }), n);
    }
    assert.equal(await table.evaluate((d) => d.open), true);
    await column.waitFor();
    const fence = 'DeviceNetworkEvents | take 1';
    assert.match(await runTyped(fence), /rows? in/);
    assert.equal((await hunts()).length, sent + 1, 'the table\'s columns were not asked again');
    assert.deepEqual(bodies.slice(sentBodies).map((b) => b.Query), [fence]);
  });

  test('sorting by a column and exporting CSV and JSON give the table\'s rows', async () => {
    const text = await runTyped('DeviceProcessEvents\n| summarize Events = count() by DeviceName\n| order by DeviceName asc\n| take 8');
    assert.match(text, /rows? in/);
    await app.page.locator('[data-testid="hunt-col"][data-column="Events"]').click();
    const counts = (await cells(app, 'Events')).map(Number);
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'ascending by the number, not the text');
    assert.equal(await app.page.locator('th:has([data-column="Events"])').getAttribute('aria-sort'), 'ascending');
    const devices = await cells(app, 'DeviceName');
    const save = async (which) => {
      const [download] = await Promise.all([
        app.page.waitForEvent('download'), app.page.getByTestId(`hunt-export-${which}`).click()]);
      return { name: download.suggestedFilename(), text: readFileSync(await download.path(), 'utf8') };
    };
    const csv = await save('csv');
    assert.match(csv.name, /^hunt-\d{4}-\d\d-\d\dT\d{4}Z\.csv$/, 'named with the UTC minute, as the queue\'s exports');
    const lines = csv.text.trim().split('\r\n');
    assert.equal(lines[0], 'DeviceName,Events');
    assert.deepEqual(lines.slice(1), devices.map((d, i) => `${d},${counts[i]}`), 'the rows as shown, in the order shown');
    const json = await save('json');
    assert.match(json.name, /^hunt-\d{4}-\d\d-\d\dT\d{4}Z\.json$/);
    const doc = JSON.parse(json.text);
    assert.deepEqual(doc.schema, [{ name: 'DeviceName', type: 'string' }, { name: 'Events', type: 'long' }]);
    assert.deepEqual(doc.results, devices.map((d, i) => ({ DeviceName: d, Events: counts[i] })));
  });

  test('a quota 429 says which limit and when it resets; nothing is sent again by itself', async () => {
    // A short reset (Retry-After: 8), so the test can watch it pass.
    await sandbox.faults({ hunting_quota: 1, retry_after: '8' });
    const before = (await hunts()).length;
    const text = await runTyped('AlertInfo | take 1');
    await sandbox.faults({ retry_after: null });
    assert.match(text, /exceed the tenant's number of hunting calls a minute/);
    assert.match(text, /maximum allowed 45 per 00:01:00/);
    const reset = app.page.getByTestId('hunt-reset');
    // One countdown for the wait, in the page's one wording for waits ("8 s"), with its clock time.
    assert.match(await reset.innerText(), /^Run is available again in \d{1,2} s \(at \d\d:\d\d\)\.$/);
    assert.doesNotMatch(text, /It resets in/, 'the sentence carries no second, frozen countdown');
    const run = app.page.getByTestId('hunt-run');
    assert.equal(await run.isDisabled(), true, 'Run waits for the reset');
    await shot(app.page, 'hunt-quota');
    // Watch for any run starting from here on: the Run button would say "Running…".
    await run.evaluate((b) => {
      window.huntStarted = false;
      new MutationObserver(() => { if (b.textContent.includes('Running')) window.huntStarted = true; })
        .observe(b, { subtree: true, childList: true, characterData: true });
    });
    await editor().press('Control+Enter');
    assert.equal(await app.page.getByTestId('hunt-error').count(), 1, 'Ctrl+Enter left the failure in place');
    // The reset comes; Run is offered again, and nothing was sent by itself meanwhile.
    await app.page.waitForFunction(
      () => document.querySelector('[data-testid="hunt-reset"]')?.textContent.startsWith('The quota has reset'),
      null, { timeout: 20_000 });
    assert.equal(await run.isDisabled(), false, 'Run is available again');
    assert.equal(await app.page.evaluate(() => window.huntStarted), false, 'no run started, not even on Ctrl+Enter');
    assert.equal(await app.page.getByTestId('hunt-error').count(), 1, 'the failure waits for the analyst');
    assert.equal((await hunts()).length, before + 1, 'one query reached the API; no retry');
    assert.equal((await hunts()).at(-1).status, 429);
  });

  test('declined consent: a message, still signed in, the hunt still on the page', async () => {
    const other = new AppPage(await newPage(browser, { viewport: { width: 1280, height: 800 } }), sandbox);
    await signIn(other, { user: 'admin' });
    await other.waitForRows();
    const queueTitle = await other.page.title();
    const query = 'IdentityLogonEvents\n| where ActionType == "LogonFailed"\n| take 10';
    await other.page.evaluate((q) => { location.hash = `#/hunt?q=${encodeURIComponent(q)}`; }, query);
    await other.page.getByTestId('hunt-page').waitFor();
    assert.equal(await editor(other).inputValue(), query);
    assert.equal(await other.page.title(), 'Hunt · Onbehalf');
    await other.page.getByTestId('hunt-run').click();
    await other.page.getByTestId('hunt-consent').click();
    await new SignInPage(other.page).decline();
    const error = other.page.getByTestId('hunt-error');
    await error.waitFor({ timeout: 15_000 });
    assert.match(await error.innerText(), /ThreatHunting\.Read\.All was not granted, so the query was not run/);
    assert.equal(await other.page.getByTestId('sign-out').count(), 1, 'still signed in');
    assert.equal(await editor(other).inputValue(), query, 'the hunt is still there');
    assert.equal(await other.page.getByTestId('hunt-run').isDisabled(), false, 'Run asks again');
    // The rest of the page works: the header's link leads back to the incidents.
    await other.page.locator('header .brand').click();
    await other.waitForRows();
    const bare = (t) => t.replace(/^\(\d+\) /, '');
    assert.equal(bare(await other.page.title()), bare(queueTitle), 'the tab no longer says Hunt');
    assert.deepEqual(other.page.errors, []);
    await other.page.context().close();
  });
});
// Hunting beside a Defender sign-in (consent, then the Graph token): hunt-time.test.mjs.
