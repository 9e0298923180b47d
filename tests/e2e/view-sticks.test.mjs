// A view that sticks (issue 21, items 2 and 7), both sources: after a filter change, a row that stayed on screen
// opens the changed view (its "N of M", Next, Escape and "← Incident queue" all follow it, not the view the row
// was first drawn in); and an incident that a write moved out of the view keeps its Previous / Next and `j`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage } from './harness.mjs';
import { AppPage, SignInPage, signIn } from './pages.mjs';

const WIDE = '#/incidents?status=all&severity=all&range=all';

for (const source of ['defender', 'graph']) {
  describe(`a view that sticks (${source})`, () => {
    let sandbox, browser, app;
    before(async () => {
      sandbox = await startSandbox(['--source', source, '--incidents', '200', '--seed', '11']);
      browser = await startBrowser();
      app = new AppPage(await newPage(browser, { viewport: { width: 1280, height: 800 } }), sandbox);
      await signIn(app);
      await app.waitForRows();
    });
    after(async () => {
      // No panic or uncaught error reached the page in any of the tests above.
      const errors = app?.page.errors ?? [];
      await browser?.close();
      sandbox?.stop();
      assert.deepEqual(errors, []);
    });

    const hash = () => app.page.evaluate(() => location.hash);
    const rowIds = () => app.rows().evaluateAll((rows) => rows.map((r) => r.dataset.incidentId));
    const total = async () => Number((await app.page.getByTestId('page-info').innerText()).match(/of (\d+)/)?.[1] ?? 0);
    const position = () => app.page.getByTestId('walk-position').innerText();
    const opened = (id) => app.page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`).waitFor();
    const row = (id) => app.page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`);
    const highPressed = () => app.page.getByTestId('filter-severity-high').getAttribute('aria-pressed');

    /** Shows every incident by id, and waits until its rows (not the last view's) are drawn. */
    const showWide = async () => {
      await app.showView(`${WIDE}&sort=id&dir=asc`);
      await app.page.waitForFunction(() => document.querySelector('[data-testid="filter-severity-high"]')?.getAttribute('aria-pressed') === 'false'
        && [...document.querySelectorAll('[data-testid="incident-row"] .severity')].some((c) => !c.textContent.includes('High')));
    };

    /** Shows WIDE, marks its rows' elements, narrows it to high severity with the filter chip, and returns the
     * changed view: its hash, its rows, its total, and the rows whose elements stayed on screen. */
    const narrowToHigh = async () => {
      await showWide();
      await app.rows().evaluateAll((rows) => rows.forEach((r) => { r.dataset.drawnBefore = 'yes'; }));
      await app.page.getByTestId('filter-severity-high').click();
      await app.page.waitForFunction(() => location.hash.includes('severity=high')
        && [...document.querySelectorAll('[data-testid="incident-row"] .severity')].every((c) => c.textContent.includes('High')));
      const ids = await rowIds();
      const stayed = await app.rows().evaluateAll((rows) => rows.filter((r) => r.dataset.drawnBefore === 'yes').map((r) => r.dataset.incidentId));
      return { view: await hash(), ids, stayed, of: await total() };
    };

    for (const how of ['Escape', 'the back link']) {
      test(`a row that stayed after a filter change opens the changed view; Next walks it; ${how} returns to it`, async () => {
        const { view, ids, stayed, of } = await narrowToHigh();
        // A row drawn before the change, still on screen, with neighbours on both sides in the changed view.
        const id = stayed.find((x) => ids.indexOf(x) > 0 && ids.indexOf(x) < ids.length - 1);
        assert.ok(id, `a row that stayed with two neighbours (stayed: ${stayed.join()})`);
        const at = ids.indexOf(id);
        assert.ok(of < 200, `the changed view is narrower (${of})`);
        await row(id).getByTestId('incident-link').click();
        await opened(id);
        assert.equal(await position(), `${at + 1} of ${of}`, 'the place in the changed view');
        assert.match(await hash(), /severity=high/, 'the URL keeps the changed view');
        await app.page.getByTestId('walk-next').click();
        await opened(ids[at + 1]);
        assert.equal(await position(), `${at + 2} of ${of}`, 'Next walks the changed view');
        if (how === 'Escape') await app.page.keyboard.press('Escape');
        else await app.page.getByTestId('back-to-queue').click();
        await app.waitForRows();
        assert.equal(await hash(), view, 'back on the changed view');
        assert.equal(await highPressed(), 'true', 'its filter still on');
        assert.equal(await total(), of);
        assert.deepEqual(await rowIds(), ids);
      });
    }

    test('the summary pane opens the changed view too', async () => {
      // The pane shows on wide screens only.
      await app.page.setViewportSize({ width: 1600, height: 900 });
      try {
        await showWide();
        const high = app.rows().filter({ has: app.page.locator('.severity', { hasText: 'High' }) }).first();
        const id = await high.getAttribute('data-incident-id');
        const previewing = () => app.page.waitForFunction((x) =>
          document.querySelector('[data-testid="preview"] p.muted')?.textContent.includes(`#${x}`), id);
        // The pane shows the row before the change, and still shows it after: it is not drawn again.
        await high.hover();
        await previewing();
        await app.page.getByTestId('filter-severity-high').click();
        await app.page.waitForFunction(() => location.hash.includes('severity=high')
          && [...document.querySelectorAll('[data-testid="incident-row"] .severity')].every((c) => c.textContent.includes('High')));
        await previewing();
        const ids = await rowIds();
        const of = await total();
        await app.page.getByTestId('preview-open').click();
        await opened(id);
        assert.equal(await position(), `${ids.indexOf(id) + 1} of ${of}`);
        assert.match(await hash(), /severity=high/);
      } finally {
        await app.page.setViewportSize({ width: 1280, height: 800 });
      }
    });

    test('an incident a write moved out of the view keeps Previous / Next, and j walks on', async () => {
      await app.showView(`${WIDE}&assigned=unassigned&sort=id&dir=asc`);
      // Who an incident is assigned to is asked of the server: wait until that load has ended.
      await app.page.waitForFunction(() => document.querySelector('[data-testid="refresh"]')?.disabled === false);
      const ids = await rowIds();
      const of = await total();
      assert.ok(ids.length >= 3, `three unassigned incidents (${ids.length})`);
      await row(ids[1]).getByTestId('incident-link').click();
      await opened(ids[1]);
      assert.equal(await position(), `2 of ${of}`);
      // Assigning to me takes it out of an "unassigned" view. The first write asks for its permission first.
      await app.page.getByTestId('action-assign-me').click();
      await app.page.getByTestId('action-consent').waitFor();
      await app.page.getByTestId('action-consent-go').click();
      await new SignInPage(app.page).consent();
      await app.page.getByTestId('action-confirm').waitFor({ timeout: 15_000 });
      await opened(ids[1]);
      // Back from the consent redirect, the reloaded view holds the incident again before the write is confirmed.
      await app.page.waitForFunction((t) => document.querySelector('[data-testid="walk-position"]')?.textContent === t, `2 of ${of}`);
      await app.page.getByTestId('action-confirm').click();
      await app.page.locator('[data-testid="walk-position"][data-in-view="false"]').waitFor();
      assert.match(await position(), new RegExp(`^Not in this view any more .*${of - 1}`));
      assert.equal(await app.page.getByTestId('walk-previous').getAttribute('href'), `${await hash()}`.replace(`/${ids[1]}?`, `/${ids[0]}?`),
        'Previous leads to the neighbour it had, in the same view');
      await app.page.locator('.incident-head h1').focus();
      await app.page.keyboard.press('j');
      await opened(ids[2]);
      assert.equal(await position(), `2 of ${of - 1}`, 'the walk goes on in the view as it is now');
      await app.page.keyboard.press('k');
      await opened(ids[0]);
      assert.equal(await position(), `1 of ${of - 1}`);
    });
  });
}
