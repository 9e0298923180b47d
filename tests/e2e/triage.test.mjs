// The triage queue against the sandbox: filters (server and in-page), sort, the view in the URL, the incident
// page, export, auto-refresh, a 10,000-incident queue, accessibility, and light/dark screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, startBrowser, newPage, shot, ROOT } from './harness.mjs';
import { AppPage, signIn } from './pages.mjs';

let sandbox, browser, app;
const WIDE = '#/incidents?status=all&severity=all&range=all';

before(async () => {
  sandbox = await startSandbox(['--incidents', '400', '--seed', '7']);
  browser = await startBrowser();
  app = new AppPage(await newPage(browser, { bypassCSP: true }), sandbox);
  await signIn(app);
  await app.waitForRows();
});
after(async () => { await browser?.close(); sandbox?.stop(); });

const go = async (hash) => {
  await app.page.evaluate((h) => { location.hash = h; }, hash);
  await app.page.waitForFunction(() => !document.querySelector('[data-testid="progress"]')?.textContent.includes('…'));
};
const info = () => app.page.getByTestId('page-info').innerText();
const total = async () => Number((await info()).match(/of (\d+)/)?.[1] ?? 0);
const cells = (col) => app.page.$$eval('[data-testid="incident-row"]', (rows, c) => rows.map((r) => r.children[c].textContent.trim()), col);
const defenderCalls = async () => (await sandbox.requests()).filter((r) => r.service === 'defender' && r.method === 'GET');

test('default view is the portal\'s: active + in progress, high/medium/low, last 6 months, pushed to the server', async () => {
  await sandbox.clearRequests();
  await app.page.getByTestId('refresh').click();
  await go('#/incidents');
  const statuses = new Set(await cells(3));
  const severities = new Set((await cells(2)).map((s) => s.replace('●', '').trim()));
  assert.ok([...statuses].every((s) => s === 'Active' || s === 'In progress'), [...statuses].join());
  assert.ok([...severities].every((s) => ['High', 'Medium', 'Low'].includes(s)), [...severities].join());
  const q = decodeURIComponent((await defenderCalls()).at(-1).query);
  assert.match(q, /\$filter=\(status eq 'Active' or status eq 'InProgress'\) and lastUpdateTime ge /);
});

test('server-side filters: status and assigned-to-me change the $filter the API gets', async () => {
  await go(WIDE);
  const all = await total();
  await sandbox.clearRequests();
  await app.page.getByTestId('filter-status-resolved').click();
  await app.page.waitForFunction(() => location.hash.includes('status=resolved'));
  await go(await app.page.evaluate(() => location.hash));
  assert.match(decodeURIComponent((await defenderCalls()).at(-1).query), /status eq 'Resolved'/);
  assert.ok(new Set(await cells(3)).size === 1 && (await cells(3))[0] === 'Resolved');
  const resolved = await total();
  assert.ok(resolved > 0 && resolved < all);
  await app.page.getByTestId('filter-assigned').selectOption('me');
  await go(await app.page.evaluate(() => location.hash));
  assert.match(decodeURIComponent((await defenderCalls()).at(-1).query), /assignedTo eq 'ada\.analyst@sandbox\.onbehalf\.test'/);
  assert.ok((await cells(4)).every((a) => a === 'ada.analyst@sandbox.onbehalf.test'));
});

test('in-page filters: severity, text search, classification, unassigned', async () => {
  await go(`${WIDE}&severity=high`);
  assert.ok((await cells(2)).every((s) => s.includes('High')));
  const calls = (await defenderCalls()).length;
  await go(`${WIDE}&severity=medium`);
  assert.equal((await defenderCalls()).length, calls, 'severity is filtered in the page, no new request');
  await go(WIDE);
  const first = (await cells(0))[0];
  await app.page.getByTestId('search').fill(first);
  await app.page.waitForFunction((id) => [...document.querySelectorAll('[data-testid="incident-row"]')].every((r) => r.textContent.includes(id)), first);
  assert.ok(await total() >= 1);
  await app.page.getByTestId('search').fill('');
  await go(`${WIDE}&class=truepositive`);
  assert.ok((await cells(5)).every((c) => c.startsWith('True positive')));
  await go(`${WIDE}&assigned=unassigned`);
  assert.ok((await cells(4)).every((c) => c === 'Unassigned'));
});

test('time range (updated, created, custom), determination, tag and service source filters', async () => {
  await sandbox.clearRequests();
  await go('#/incidents?status=all&severity=all&range=7d');
  let q = decodeURIComponent((await defenderCalls()).at(-1).query);
  const since = Date.parse(q.match(/lastUpdateTime ge (\S+)/)[1]);
  assert.ok(Math.abs(Date.now() - 7 * 86400e3 - since) < 120e3, `7 days back: ${q}`);
  const week = await total();
  await go('#/incidents?status=all&severity=all&range=30d&time=created');
  q = decodeURIComponent((await defenderCalls()).at(-1).query);
  assert.match(q, /createdTime ge /);
  await go('#/incidents?status=all&severity=all&from=2020-01-01&to=2020-12-31');
  q = decodeURIComponent((await defenderCalls()).at(-1).query);
  assert.match(q, /lastUpdateTime ge 2020-01-01T00:00:00Z and lastUpdateTime le 2020-12-31/);
  assert.equal(await app.rows().count(), 0, 'nothing from 2020 in a 90-day sandbox');
  await app.page.getByTestId('empty').waitFor();

  await go(WIDE);
  const all = await total();
  assert.ok(week > 0 && week < all, `a week (${week}) is less than all (${all})`);
  await app.page.getByTestId('filter-determination').selectOption('malware');
  await app.page.waitForFunction(() => location.hash.includes('det=malware'));
  assert.ok((await cells(5)).every((c) => c.includes('Malware')));
  await go(WIDE);
  const tag = await app.page.$eval('[data-testid="filter-tag"] option:nth-child(2)', (o) => o.value);
  await app.page.getByTestId('filter-tag').selectOption(tag);
  await app.page.waitForFunction(() => location.hash.includes('tags='));
  const tagged = await total();
  assert.ok(tagged > 0 && tagged < all);
  await app.rows().first().getByTestId('incident-link').click();
  assert.ok((await app.page.getByTestId('incident-tags').innerText()).includes(tag), `incident carries tag ${tag}`);
  await go(WIDE);
  const src = await app.page.$eval('[data-testid="filter-source"] option:nth-child(2)', (o) => o.value);
  await app.page.getByTestId('filter-source').selectOption(src);
  await app.page.waitForFunction(() => location.hash.includes('source='));
  const fromSource = await total();
  assert.ok(fromSource > 0 && fromSource < all, `${src}: ${fromSource} of ${all}`);
  await go(WIDE);
});

test('sort by any column, both ways, and the view survives a reload (URL round trip)', async () => {
  await go(`${WIDE}`);
  await app.page.getByTestId('sort-id').click();
  await app.page.waitForFunction(() => location.hash.includes('sort=id'));
  let ids = (await cells(0)).map(Number);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'descending ids');
  await app.page.getByTestId('sort-id').click();
  await app.page.waitForFunction(() => location.hash.includes('dir=asc'));
  ids = (await cells(0)).map(Number);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'ascending ids');
  await app.page.getByTestId('sort-alerts').click();
  const alerts = (await cells(7)).map(Number);
  assert.deepEqual(alerts, [...alerts].sort((a, b) => b - a));
  const hash = await app.page.evaluate(() => location.hash);
  await app.page.reload();
  await app.waitForRows();
  assert.equal(await app.page.evaluate(() => location.hash), hash);
  assert.equal(await app.page.getByTestId('sort-alerts').locator('..').getAttribute('aria-sort'), 'descending');
  await app.page.goBack();
  await app.page.waitForFunction(() => location.hash.includes('dir=asc'));
  await app.page.waitForFunction(() => document.querySelector('[data-testid="sort-id"]').closest('th').getAttribute('aria-sort') === 'ascending');
});

test('incident page shows alerts, entities by type, tags and a portal deep link', async () => {
  await go(WIDE);
  const row = app.rows().first();
  const id = await row.getAttribute('data-incident-id');
  await row.getByTestId('incident-link').click();
  const detail = app.page.getByTestId('incident-detail');
  await detail.waitFor();
  assert.equal(await detail.getAttribute('data-incident-id'), id);
  assert.ok(await app.page.getByTestId('alert-row').count() >= 1);
  assert.ok(await app.page.locator('[data-testid="entities"] [data-entity-type]').count() >= 1);
  const tid = sandbox.tenant;
  assert.equal(await detail.getByTestId('portal-link').getAttribute('href'), `https://security.microsoft.com/incidents/${id}?tid=${tid}`);
  await shot(app.page, 'incident-light');
  await app.page.getByTestId('back-to-queue').click();
  await app.waitForRows();
});

test('export CSV and JSON contain exactly the rows of the view', async () => {
  await go(`${WIDE}&severity=high`);
  const n = await total();
  const save = async (tid) => {
    const [dl] = await Promise.all([app.page.waitForEvent('download'), app.page.getByTestId(tid).click()]);
    return readFileSync(await dl.path(), 'utf8');
  };
  const csv = (await save('export-csv')).trim().split('\r\n');
  assert.equal(csv[0], 'id,name,severity,status,assignedTo,classification,determination,createdTime,lastUpdateTime,alerts,tags');
  assert.equal(csv.length - 1, n);
  const json = JSON.parse(await save('export-json'));
  assert.equal(json.length, n);
  assert.ok(json.every((i) => i.severity === 'High'));
});

test('auto-refresh asks only for what changed and highlights it', async () => {
  await go(`${WIDE}&refresh=15`);
  const id = await app.rows().first().getAttribute('data-incident-id');
  await sandbox.clearRequests();
  await sandbox.patchIncident(id, { status: 'Resolved', incidentName: 'Changed by the test' });
  const row = app.page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`);
  await row.filter({ hasText: 'Changed by the test' }).waitFor({ timeout: 25_000 });
  assert.equal(await row.getAttribute('data-changed'), 'true');
  const calls = await defenderCalls();
  assert.equal(calls.length, 1, 'one request per refresh');
  assert.match(decodeURIComponent(calls[0].query), /lastUpdateTime ge /);
  await go(WIDE);
});

test('no serious or critical accessibility violations on the queue and the incident page (axe-core)', async () => {
  const axe = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const check = async (where) => {
    await app.page.addScriptTag({ content: axe });
    const res = await app.page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = res.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    assert.deepEqual(bad.map((v) => `${where}: ${v.id} (${v.nodes.length})`), []);
  };
  await go('#/incidents');
  await check('queue');
  await app.rows().first().getByTestId('incident-link').click();
  await app.page.getByTestId('incident-detail').waitFor();
  await check('incident');
  await app.page.getByTestId('back-to-queue').click();
});

test('light and dark screenshots of the queue, the incident page and the token panel', async () => {
  for (const scheme of ['light', 'dark']) {
    await app.page.emulateMedia({ colorScheme: scheme });
    await go('#/incidents');
    await shot(app.page, `queue-${scheme}`);
    await app.showToken();
    await shot(app.page.getByTestId('token-claims'), `token-${scheme}`);
    await app.page.keyboard.press('Escape');
    await app.rows().first().getByTestId('incident-link').click();
    await app.page.getByTestId('incident-detail').waitFor();
    await shot(app.page, `incident-${scheme}`);
    await app.page.getByTestId('back-to-queue').click();
  }
  const bg = await app.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(bg, 'rgb(246, 247, 249)', 'dark scheme changes the page colours');
  await app.page.emulateMedia({ colorScheme: 'light' });
});

test('a 10,000-incident queue stays usable: one screen of rows, fast filter and sort', async () => {
  const big = await startSandbox(['--incidents', '10000', '--rate-per-minute', '100000', '--rate-per-hour', '1000000']);
  try {
    const p = new AppPage(await newPage(browser), big);
    await signIn(p);
    await p.waitForRows();
    await p.page.goto(`${big.app}/${WIDE}`);
    await p.page.getByTestId('progress').filter({ hasText: '10000 loaded' }).waitFor({ timeout: 90_000 });
    assert.equal(await p.rows().count(), 50, 'only one screen of rows in the DOM');
    const t0 = Date.now();
    await p.page.getByTestId('sort-severity').click();
    await p.page.waitForFunction(() => location.hash.includes('sort=severity'));
    await p.page.getByTestId('search').fill('Lateral');
    await p.page.waitForFunction(() => [...document.querySelectorAll('[data-testid="incident-row"]')].every((r) => r.textContent.includes('Lateral')));
    const ms = Date.now() - t0;
    assert.ok(ms < 5000, `sort + search at 10,000 took ${ms} ms`);
    assert.deepEqual(p.page.errors, []);
  } finally {
    big.stop();
  }
});
