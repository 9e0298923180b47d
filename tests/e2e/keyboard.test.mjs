// Keyboard and "keep your place" (issue 13): a skip link as the first tab stop, `/` to search, j/k and the arrow
// keys between rows, Enter to open, Escape back; the walk from page load to an open incident and back in a
// handful of keys; back (link or browser) restores the queue's scroll and focuses the row you came from; the
// incident page opens at its top with focus on its title and walks the queue's order; grid cells are buttons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage } from './harness.mjs';
import { AppPage, signIn } from './pages.mjs';

const WIDE = '#/incidents?status=all&severity=all&range=all';
let sandbox, browser, app;

before(async () => {
  sandbox = await startSandbox(['--incidents', '200', '--seed', '11']);
  browser = await startBrowser();
  app = new AppPage(await newPage(browser, { viewport: { width: 1280, height: 800 } }), sandbox);
  await signIn(app);
  await app.waitForRows();
});
after(async () => { await browser?.close(); sandbox?.stop(); });

const go = (hash) => app.showView(hash);
/** What has focus: its test id, the incident row it sits in, and whether it is the incident's title. */
const focused = () => app.page.evaluate(() => {
  const e = document.activeElement;
  return {
    testid: e?.dataset?.testid ?? null,
    row: e?.closest('[data-testid="incident-row"]')?.dataset.incidentId ?? null,
    title: !!e?.matches('.incident-head h1'),
  };
});
const rowIds = () => app.rows().evaluateAll((rows) => rows.map((r) => r.dataset.incidentId));
const openedId = () => app.page.getByTestId('incident-detail').getAttribute('data-incident-id');

test('from page load: the skip link is the first tab stop, and an incident is open and closed again in 4 keys', async () => {
  await go(WIDE);
  await app.page.reload();
  await app.waitForRows();
  const ids = await rowIds();
  await app.page.keyboard.press('Tab');
  assert.equal((await focused()).testid, 'skip-link', 'the first tab stop');
  assert.ok(await app.page.getByTestId('skip-link').isVisible(), 'visible while focused');
  // Four keys after the skip link (the issue allows six): Enter, j, Enter, Escape, each landing where asserted.
  const press = (k) => app.page.keyboard.press(k);
  await press('Enter');
  assert.equal((await focused()).row, ids[0], 'the skip link lands on the first incident');
  await press('j');
  assert.equal((await focused()).row, ids[1]);
  await press('Enter');
  await app.page.getByTestId('incident-detail').waitFor();
  assert.equal(await openedId(), ids[1]);
  assert.ok((await focused()).title, 'focus on the incident title');
  await press('Escape');
  await app.page.waitForFunction((id) => document.activeElement?.closest('[data-testid="incident-row"]')?.dataset.incidentId === id, ids[1]);
});

test('`/` focuses the search box, and inside it `/`, j and k are typed, not taken', async () => {
  await go(WIDE);
  await app.page.locator('#queue-title').click();
  await app.page.keyboard.press('/');
  assert.equal((await focused()).testid, 'search');
  await app.page.keyboard.type('a/jk');
  assert.equal(await app.page.getByTestId('search').inputValue(), 'a/jk');
  await app.page.getByTestId('search').fill('');
  await go(WIDE);
});

test('arrow keys and j/k move between rows, Enter opens the focused one', async () => {
  await go(WIDE);
  const ids = await rowIds();
  await app.page.getByTestId('skip-link').focus();
  await app.page.keyboard.press('Enter');
  for (const [key, at] of [['ArrowDown', 1], ['ArrowDown', 2], ['j', 3], ['ArrowUp', 2], ['k', 1]]) {
    await app.page.keyboard.press(key);
    assert.equal((await focused()).row, ids[at], `${key} → row ${at}`);
  }
  await app.page.keyboard.press('Enter');
  await app.page.getByTestId('incident-detail').waitFor();
  assert.equal(await openedId(), ids[1]);
  await app.page.getByTestId('back-to-queue').click();
  await app.waitForRows();
  // A row's checkbox is not a text field: after ticking one, j still moves on to the next row.
  const box = app.page.locator(`[data-testid="incident-row"][data-incident-id="${ids[2]}"] [data-testid="row-select"]`);
  await box.focus();
  await app.page.keyboard.press('Space');
  assert.ok(await box.isChecked(), 'ticked from the keyboard');
  await app.page.keyboard.press('j');
  assert.equal((await focused()).row, ids[3], 'j from a ticked checkbox focuses the next row');
  await box.focus();
  await app.page.keyboard.press('Space');
  assert.ok(!(await box.isChecked()), 'unticked again');
});

test('back (the link or the browser\'s) restores the queue\'s scroll and focuses the row you came from', async () => {
  for (const how of ['link', 'browser']) {
    await go(WIDE);
    const ids = await rowIds();
    const row = app.page.locator(`[data-testid="incident-row"][data-incident-id="${ids[30]}"]`);
    await row.scrollIntoViewIfNeeded();
    await app.page.evaluate(() => window.scrollBy(0, 100));
    const scrolled = await app.page.evaluate(() => window.scrollY);
    assert.ok(scrolled > 400, `scrolled down (${scrolled})`);
    await row.getByTestId('incident-link').click();
    await app.page.getByTestId('incident-detail').waitFor();
    assert.equal(await app.page.evaluate(() => window.scrollY), 0, 'the incident opens at its top');
    assert.ok((await focused()).title, 'with focus on its title');
    if (how === 'link') await app.page.getByTestId('back-to-queue').click();
    else await app.page.goBack();
    await app.page.waitForFunction((id) => document.activeElement?.closest('[data-testid="incident-row"]')?.dataset.incidentId === id, ids[30]);
    const back = await app.page.evaluate(() => window.scrollY);
    assert.ok(Math.abs(back - scrolled) <= 2, `${how}: scroll ${back}, was ${scrolled}`);
  }
});

test('a focused row never hides under the sticky top bar', async () => {
  await go(WIDE);
  await app.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await app.page.getByTestId('skip-link').focus();
  await app.page.keyboard.press('Enter');
  const [bar, row] = await app.page.evaluate(() => [
    document.querySelector('.topbar').getBoundingClientRect().bottom,
    document.activeElement.closest('[data-testid="incident-row"]').getBoundingClientRect().top,
  ]);
  assert.ok(row >= bar, `row top ${row} below the bar's bottom ${bar}`);
});

test('previous and next on the incident page walk the queue in its current order; j/k do too', async () => {
  await go(`${WIDE}&sort=id&dir=asc`);
  const ids = await rowIds();
  await app.rows().first().getByTestId('incident-link').click();
  await app.page.getByTestId('incident-detail').waitFor();
  assert.match(await app.page.getByTestId('walk-position').innerText(), /^1 of \d+$/);
  assert.equal(await app.page.getByTestId('walk-previous').count(), 0, 'nothing before the first');
  await app.page.getByTestId('walk-next').click();
  await app.page.waitForFunction((id) => document.querySelector('[data-testid="incident-detail"]')?.dataset.incidentId === id, ids[1]);
  assert.ok((await focused()).title, 'the next incident opens with focus on its title');
  await app.page.keyboard.press('j');
  await app.page.waitForFunction((id) => document.querySelector('[data-testid="incident-detail"]')?.dataset.incidentId === id, ids[2]);
  await app.page.keyboard.press('k');
  await app.page.waitForFunction((id) => document.querySelector('[data-testid="incident-detail"]')?.dataset.incidentId === id, ids[1]);
  assert.match(await app.page.getByTestId('walk-position').innerText(), /^2 of \d+$/);
  // Back lands on the row of the incident the walk ended at.
  await app.page.keyboard.press('Escape');
  await app.page.waitForFunction((id) => document.activeElement?.closest('[data-testid="incident-row"]')?.dataset.incidentId === id, ids[1]);
});

test('the severity × status grid cells are buttons a keyboard can use', async () => {
  await go(WIDE);
  await app.showPictures();
  const cell = app.page.getByTestId('summary-high-active');
  assert.equal(await cell.getAttribute('role'), 'button');
  assert.equal(await cell.getAttribute('tabindex'), '0');
  assert.match(await cell.getAttribute('aria-label'), /High and Active: \d+ incidents/);
  await cell.focus();
  await app.page.keyboard.press('Enter');
  await app.page.waitForFunction(() => location.hash.includes('severity=high') && location.hash.includes('status=active'));
  await app.page.getByTestId('pictures-toggle').click();
  assert.deepEqual(app.page.errors, []);
});
