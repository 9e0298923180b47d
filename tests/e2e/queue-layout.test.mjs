// A queue that fits (issue 13): a dozen rows on a laptop screen without scrolling, no sideways scroll at 1280 or on
// a phone (hostile text included), the token panel folded into a top-bar menu, pictures that fold and remember it,
// a refresh that never flashes another page's rows, and axe-core clean at both sizes in both colour schemes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, startBrowser, newPage, shot, ROOT } from './harness.mjs';
import { AppPage, signIn } from './pages.mjs';

const WIDE = '#/incidents?status=all&severity=all&range=all';
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const WIDE_SCREEN = { width: 1680, height: 1000 };
let sandbox, hostile, browser, app;

before(async () => {
  sandbox = await startSandbox(['--incidents', '400', '--seed', '7']);
  hostile = await startSandbox(['--incidents', '30', '--hostile']);
  browser = await startBrowser();
  app = new AppPage(await newPage(browser, { viewport: LAPTOP, bypassCSP: true }), sandbox);
  await signIn(app);
  await app.waitForRows();
});
after(async () => { await browser?.close(); sandbox?.stop(); hostile?.stop(); });

const openFirst = async (page) => {
  await page.getByTestId('incident-row').first().getByTestId('incident-link').click();
  await page.getByTestId('incident-detail').waitFor();
};
/** How much wider than the window the document is (0 when it fits). */
const overflow = (page) => page.evaluate(() => document.scrollingElement.scrollWidth - innerWidth);
/** Rows whose whole box lies inside the window, below the sticky top bar. */
const rowsFullyVisible = (page) => page.evaluate(() => {
  const top = document.querySelector('.topbar').getBoundingClientRect().bottom;
  return [...document.querySelectorAll('[data-testid="incident-row"]')]
    .map((r) => r.getBoundingClientRect())
    .filter((b) => b.top >= top && b.bottom <= innerHeight).length;
});

test('at 1280×800 at least 12 incidents show without scrolling, one line each', async () => {
  await app.page.setViewportSize(LAPTOP);
  await app.showView(WIDE);
  await app.page.evaluate(() => window.scrollTo(0, 0));
  const n = await rowsFullyVisible(app.page);
  assert.ok(n >= 12, `${n} rows fully visible at 1280×800`);
  const heights = await app.rows().evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().height));
  assert.ok(Math.max(...heights) < 40, `every row is one line (tallest ${Math.max(...heights)} px)`);
  // A cut-off name keeps its whole text in the tooltip.
  const name = app.rows().first().locator('td.name');
  assert.equal(await name.getAttribute('title'), await name.innerText());
});

test('no sideways scroll at 1280 and 390, on the queue and on the incident page', async () => {
  for (const size of [LAPTOP, PHONE]) {
    await app.page.setViewportSize(size);
    await app.showView(WIDE);
    assert.ok(await overflow(app.page) <= 0, `queue at ${size.width}: ${await overflow(app.page)} px too wide`);
    await openFirst(app.page);
    assert.ok(await overflow(app.page) <= 0, `incident at ${size.width}: ${await overflow(app.page)} px too wide`);
    await app.page.getByTestId('back-to-queue').click();
  }
  // On a phone a row is a card: the name on top, the facts under it, inside the window.
  await app.showView(WIDE);
  const card = await app.rows().first().evaluate((r) => {
    const b = r.getBoundingClientRect();
    const name = r.querySelector('td.name').getBoundingClientRect();
    return { right: b.right, width: b.width, nameTop: name.top, top: b.top };
  });
  assert.ok(card.right <= PHONE.width && card.width > 300, JSON.stringify(card));
  assert.ok(card.nameTop - card.top < 16, 'the name leads the card');
  await app.page.setViewportSize(LAPTOP);
});

test('the token panel folds into a top-bar menu, one click away', async () => {
  await app.showView(WIDE);
  const menu = app.page.getByTestId('token-menu');
  assert.equal(await app.claims().isVisible(), false, 'folded by default');
  await menu.click();
  await app.claims().waitFor();
  assert.match(await app.claim('scp').innerText(), /Incident\.Read/);
  // Reading it (a click on its text) keeps it open; Escape folds it and gives focus back to the menu button.
  await app.claim('name').click();
  assert.ok(await app.claims().isVisible());
  await app.page.keyboard.press('Escape');
  await app.claims().waitFor({ state: 'hidden' });
  assert.equal(await app.page.evaluate(() => document.activeElement.dataset.testid), 'token-menu');
  // A click elsewhere folds it too.
  await menu.click();
  await app.claims().waitFor();
  await app.page.locator('#queue-title').click();
  await app.claims().waitFor({ state: 'hidden' });
  // The rows use the whole width: no 360 px column beside them.
  const table = await app.page.locator('.table-wrap').boundingBox();
  assert.ok(table.width > LAPTOP.width - 80, `table ${table.width} px wide`);
});

test('the pictures fold, and the page remembers it across a reload', async () => {
  await app.showView(WIDE);
  const toggle = app.page.getByTestId('pictures-toggle');
  const pictures = app.page.getByTestId('summary');
  assert.equal(await pictures.count(), 0, 'folded by default, so rows come first');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await toggle.click();
  await pictures.waitFor();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await app.page.reload();
  await app.waitForRows();
  await pictures.waitFor();
  await toggle.click();
  await pictures.waitFor({ state: 'detached' });
  await app.page.reload();
  await app.waitForRows();
  assert.equal(await pictures.count(), 0, 'still folded after a reload');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  // The preference is the only thing the page keeps outside the tab's session.
  assert.deepEqual((await app.storage()).local, { 'onbehalf.pictures': '0' });
});

test('refresh on page 2 swaps the rows only when page 2 has arrived (no flash of page 1)', async () => {
  await app.showView(WIDE);
  const first = await app.rows().evaluateAll((rows) => rows.map((r) => r.dataset.incidentId));
  await app.page.getByTestId('page-next').click();
  await app.page.waitForFunction(() => location.hash.includes('page=1'));
  const second = await app.rows().evaluateAll((rows) => rows.map((r) => r.dataset.incidentId));
  assert.ok(second.every((id) => !first.includes(id)));
  // Every set of rows the DOM ever holds during the refresh is recorded, painted or not.
  await app.page.evaluate(() => {
    window.__seen = [];
    const body = document.querySelector('table.incidents tbody');
    const record = () => window.__seen.push([...body.querySelectorAll('[data-testid="incident-row"]')].map((r) => r.dataset.incidentId));
    window.__watch = new MutationObserver(record);
    window.__watch.observe(body, { childList: true, subtree: true });
  });
  await app.page.getByTestId('refresh').click();
  await app.page.waitForFunction(() => !document.querySelector('[data-testid="progress"]')?.textContent.includes('…'));
  await app.page.waitForFunction(() => !document.querySelector('[data-testid="refresh"]').disabled);
  const seen = await app.page.evaluate(() => { window.__watch.disconnect(); return window.__seen; });
  const flashed = seen.flat().filter((id) => first.includes(id));
  assert.deepEqual(flashed, [], 'no page-1 row appeared on page 2');
  assert.deepEqual(await app.rows().evaluateAll((rows) => rows.map((r) => r.dataset.incidentId)), second);
});

test('on a wide screen a summary pane beside the queue shows the focused row\'s incident; at 1280 the rows get the room', async () => {
  await app.page.setViewportSize(WIDE_SCREEN);
  await app.showView(WIDE);
  const pane = app.page.getByTestId('preview');
  await pane.waitFor();
  const rows = app.rows();
  assert.equal(await pane.getByTestId('preview-name').innerText(), await rows.first().locator('td.name').getAttribute('title'),
    'the first row until another is chosen');
  const third = rows.nth(2);
  await third.getByTestId('incident-link').focus();
  const name = await third.locator('td.name').getAttribute('title');
  await app.page.waitForFunction((n) => document.querySelector('[data-testid="preview-name"]')?.textContent === n, name);
  const id = await third.getAttribute('data-incident-id');
  assert.match(await pane.getByTestId('preview-open').getAttribute('href'), new RegExp(`^#/incidents/${id}\\b`));
  const [table, side] = [await app.page.locator('.table-wrap').boundingBox(), await pane.boundingBox()];
  assert.ok(side.x >= table.x + table.width, 'beside the table, not over it');
  assert.ok(await overflow(app.page) <= 0);
  await app.page.setViewportSize(LAPTOP);
  assert.equal(await pane.isVisible(), false, 'no pane at 1280');
});

test('hostile text leaves the queue and the incident page no wider than the window (1280, 390, 1680); names clamp to two lines', async () => {
  const page = await newPage(browser, { viewport: LAPTOP });
  try {
    const h = new AppPage(page, hostile);
    await signIn(h);
    await h.waitForRows();
    for (const size of [LAPTOP, PHONE, WIDE_SCREEN]) {
      await page.setViewportSize(size);
      await h.showView(WIDE);
      assert.ok(await overflow(page) <= 0, `hostile queue at ${size.width}: ${await overflow(page)} px too wide`);
      const tallest = await h.rows().evaluateAll((rows) => Math.max(...rows.map((r) => r.getBoundingClientRect().height)));
      assert.ok(tallest < 200, `no row grows with its text (tallest ${tallest} px)`);
      // Every hostile incident's page: the title clamps, nothing widens the page.
      const ids = await h.rows().evaluateAll((rows) => rows.map((r) => r.dataset.incidentId));
      for (const id of ids.slice(0, 10)) {
        await page.evaluate((i) => { location.hash = `#/incidents/${i}`; }, id);
        await page.getByTestId('incident-detail').waitFor();
        const title = await page.locator('.incident-head h1').evaluate((e) => ({
          h: e.getBoundingClientRect().height, line: parseFloat(getComputedStyle(e).lineHeight) || 30,
          text: e.textContent, tip: e.getAttribute('title') }));
        assert.ok(title.h <= title.line * 2 + 2, `incident ${id}: title ${title.h} px for ${title.line} px lines`);
        // What the clamp hides is still one hover away.
        assert.equal(title.tip, title.text, `incident ${id}: the clamped title's tooltip holds the whole name`);
        assert.ok(await overflow(page) <= 0, `hostile incident ${id} at ${size.width}: ${await overflow(page)} px too wide`);
      }
      await page.getByTestId('back-to-queue').click();
    }
    assert.deepEqual(page.errors, []);
  } finally {
    await page.context().close();
  }
});

test('axe-core: no serious or critical violations on the queue (with its summary pane) and the incident page, 1280, 390 and 1680, both schemes', async () => {
  const axe = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const check = async (where) => {
    await app.page.addScriptTag({ content: axe });
    const res = await app.page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
    return res.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
      .map((v) => `${where}: ${v.id} (${v.nodes.length}: ${v.nodes[0]?.target})`);
  };
  const bad = [];
  // The pictures open, so their cells are checked as well.
  await app.showPictures();
  for (const size of [LAPTOP, PHONE, WIDE_SCREEN]) {
    for (const scheme of ['light', 'dark']) {
      await app.page.setViewportSize(size);
      await app.page.emulateMedia({ colorScheme: scheme });
      const at = `${size.width} ${scheme}`;
      await app.showView(WIDE);
      bad.push(...await check(`queue ${at}`));
      await app.page.getByTestId('token-menu').click();
      await app.claims().waitFor();
      bad.push(...await check(`token menu ${at}`));
      await app.page.keyboard.press('Escape');
      await openFirst(app.page);
      bad.push(...await check(`incident ${at}`));
      await app.page.getByTestId('back-to-queue').click();
    }
  }
  await app.page.getByTestId('pictures-toggle').click();
  await app.page.emulateMedia({ colorScheme: 'light' });
  await app.page.setViewportSize(LAPTOP);
  assert.deepEqual(bad, []);
});

test('screenshots: the queue and an incident at 1280×800 and 390×844, light and dark', async () => {
  for (const [size, tag] of [[LAPTOP, '1280'], [PHONE, '390']]) {
    for (const scheme of ['light', 'dark']) {
      await app.page.setViewportSize(size);
      await app.page.emulateMedia({ colorScheme: scheme });
      await app.showView(WIDE);
      await app.page.evaluate(() => window.scrollTo(0, 0));
      await shot(app.page, `queue-${tag}-${scheme}`);
      await openFirst(app.page);
      await shot(app.page, `incident-${tag}-${scheme}`);
      await app.page.getByTestId('back-to-queue').click();
    }
  }
  await app.page.emulateMedia({ colorScheme: 'light' });
  await app.page.setViewportSize(LAPTOP);
  assert.deepEqual(app.page.errors, []);
});
