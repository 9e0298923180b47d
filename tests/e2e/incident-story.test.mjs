// Issue 21.7 and 21.12: the incident page leads with the story (alerts and evidence above or beside the
// actions, a SHA-256 on one line at 1280 px, the device facts the API returns, Graph values by their labels),
// and a CSV export follows the browser's locale (';' and a byte-order mark for nl-NL). Screenshots of the
// incident page at 1280×800 and 390×844, light and dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSandbox, startBrowser, newPage, shot } from './harness.mjs';
import { AppPage, signIn } from './pages.mjs';

const WIDE = '#/incidents?status=all&severity=all&range=all';
let browser;
// Every sandbox a test starts is stopped at the end: a sandbox left running keeps this file's process (and the
// whole suite after it) waiting.
const sandboxes = [];
before(async () => { browser = await startBrowser(); });
after(async () => {
  await browser?.close();
  for (const s of sandboxes) s.stop();
});

async function appOn(args, pageOpts = {}) {
  const sandbox = await startSandbox(args);
  sandboxes.push(sandbox);
  const page = await newPage(browser, { viewport: { width: 1280, height: 800 }, ...pageOpts });
  const app = new AppPage(page, sandbox);
  await signIn(app);
  await app.waitForRows();
  return app;
}

const rowIds = (app) => app.page.$$eval('[data-testid="incident-row"]', (rows) => rows.map((r) => r.dataset.incidentId));
const openDetail = async (app, id) => {
  await app.page.evaluate((i) => { location.hash = `#/incidents/${i}?status=all&severity=all&range=all`; }, id);
  await app.page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`).waitFor();
};
/** The first incident with a device and a file hash among its evidence. */
async function openEndpointIncident(app) {
  await app.page.evaluate((h) => { location.hash = h; }, WIDE);
  await app.waitForRows();
  for (const id of await rowIds(app)) {
    await openDetail(app, id);
    const detail = app.page.getByTestId('incident-detail');
    if (await detail.locator('[data-testid="device-card"]').count()
      && await detail.locator('[data-testid="entities"] dt:text-is("SHA-256")').count()) return id;
  }
  throw new Error('no incident with a device and a hash');
}
/** The detail's text outside code, raw JSON and the actions: what the page says in its own words. */
const proseText = (app) => app.page.getByTestId('incident-detail').evaluate((root) => {
  const skip = 'code, pre, .mono, [data-testid="raw"], [data-testid="incident-actions"], script, style';
  const out = [];
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) if (!n.parentElement.closest(skip)) out.push(n.textContent);
  return out.join(' ');
});

for (const source of ['defender', 'graph']) {
  test(`${source}: the story comes first, hashes fit one line, device facts are shown, values by their labels`, async () => {
    const app = await appOn(['--incidents', '40', '--seed', '11', '--source', source]);
    try {
      await openEndpointIncident(app);
      const page = app.page;
      await page.evaluate(() => window.scrollTo(0, 0));
      // Before: the action form sat between the title and the alerts and pushed them off the first screen.
      const alert = await page.getByTestId('alert-row').first().boundingBox();
      const actions = await page.getByTestId('incident-actions').boundingBox();
      assert.ok(alert.y + 30 < 800, `the first alert is on the first screen (y=${alert.y})`);
      assert.ok(actions.x >= alert.x + alert.width - 1 || actions.y >= alert.y + alert.height,
        `the actions are beside or after the first alert: alert ${JSON.stringify(alert)}, actions ${JSON.stringify(actions)}`);

      // A SHA-256 in an evidence card is one line (it wrapped to three in ~395 px cards).
      const hash = page.locator('[data-testid="entities"] dl.kv dt:text-is("SHA-256") + dd code').first();
      // An inline element has one client rect per line it occupies.
      const lines = await hash.evaluate((c) => c.getClientRects().length);
      assert.equal(lines, 1, 'the SHA-256 fits one line');

      // Device facts the API returns (they were shown nowhere).
      const device = page.getByTestId('device-card').first();
      for (const label of ['Defender Antivirus', 'Device group', 'OS version', 'Health']) {
        assert.ok(await device.locator(`dl.kv dt:text-is("${label}")`).count(), `device fact ${label}`);
        assert.notEqual((await device.locator(`dl.kv dt:text-is("${label}") + dd`).innerText()).trim(), '');
      }
      if (source === 'graph') {
        assert.ok(await page.locator('[data-testid="entities"] dt:text-is("Parent process") + dd').first()
          .innerText().then((t) => /\.exe/.test(t)), 'the parent process by its image file');
      }
      // No camelCase API spelling in the page's own words (Graph sent 'microsoftDefenderForEndpoint',
      // 'impairedCommunication' into the text).
      const words = (await proseText(app)).match(/\b[a-z]+[A-Z][A-Za-z]*\b/g) ?? [];
      assert.deepEqual(words.filter((w) => !['macOS', 'iOS'].includes(w)), [], 'no raw camelCase value');
      assert.deepEqual(page.errors, []);
    } finally {
      await app.page.context().close();
    }
  });
}

test('screenshots of the incident page: 1280×800 and 390×844, light and dark', async () => {
  for (const [w, h] of [[1280, 800], [390, 844]]) {
    for (const scheme of ['light', 'dark']) {
      const app = await appOn(['--incidents', '40', '--seed', '11', '--source', 'graph'],
        { viewport: { width: w, height: h }, colorScheme: scheme });
      try {
        await openEndpointIncident(app);
        await app.page.evaluate(() => { window.scrollTo(0, 0); document.activeElement?.blur(); });
        await shot(app.page, `incident-${w}-${scheme}`);
        await shot(app.page.getByTestId('entities'), `incident-${w}-${scheme}-evidence`);
      } finally {
        await app.page.context().close();
      }
    }
  }
});

test('a Dutch browser exports CSV with ";" and a byte-order mark; the separator can be changed', async () => {
  // Issue 21.12: a Dutch or German Excel opened a comma export as one column.
  const app = await appOn(['--incidents', '20', '--seed', '3'], { locale: 'nl-NL', acceptDownloads: true });
  try {
    const page = app.page;
    assert.equal(await page.getByTestId('export-separator').inputValue(), 'semicolon');
    const save = async () => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
      return readFileSync(await dl.path());
    };
    const bytes = await save();
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
    const text = bytes.toString('utf8').slice(1);
    assert.ok(text.startsWith('id;name;severity;status;'), text.slice(0, 80));
    await page.getByTestId('export-separator').selectOption('comma');
    const comma = (await save()).toString('utf8').slice(1);
    assert.ok(comma.startsWith('id,name,severity,status,'), comma.slice(0, 80));
  } finally {
    await app.page.context().close();
  }
});
