// An incident's evidence does not change when the incident is updated (issue 21, item 11), both sources: the
// alerts, evidence and devices the page shows before a write are the ones it shows after the server's version
// came back — the sandbox keeps what an incident is made of, as Microsoft's API does, and changes only what a
// write sets.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage } from './harness.mjs';
import { AppPage, SignInPage, signIn } from './pages.mjs';

const WIDE = '#/incidents?status=all&severity=all&range=all';

for (const source of ['defender', 'graph']) {
  describe(`stable evidence (${source})`, () => {
    let sandbox, browser, app;
    before(async () => {
      sandbox = await startSandbox(['--source', source, '--incidents', '40', '--seed', '3']);
      browser = await startBrowser();
      app = new AppPage(await newPage(browser, { bypassCSP: true }), sandbox);
    });
    after(async () => {
      const errors = app?.page.errors ?? [];
      await browser?.close();
      sandbox?.stop();
      assert.deepEqual(errors, [], 'no uncaught error reached the page');
    });

    /** What the page shows of the incident's story: every alert card, evidence card and device card, as text. */
    const story = () => app.page.evaluate(() => [
      '[data-testid="incident-detail"] [data-testid="entities"]',
      '[data-testid="incident-detail"] [data-testid="devices"]',
    ].map((sel) => document.querySelector(sel)?.textContent ?? ''));
    const activity = () => app.page.locator('[data-testid="activity-log"] li');

    test('assigning and resolving an incident leaves its alerts, evidence and devices as they were', async () => {
      await signIn(app);
      await app.waitForRows();
      await app.showView(WIDE);
      // The first incident with evidence and a device.
      let id = null;
      for (const candidate of await app.rows().evaluateAll((rows) => rows.map((r) => r.dataset.incidentId))) {
        await app.page.evaluate((i) => { location.hash = `#/incidents/${i}?status=all&severity=all&range=all`; }, candidate);
        await app.page.locator(`[data-testid="incident-detail"][data-incident-id="${candidate}"]`).waitFor();
        const [entities, devices] = await story();
        if (entities.trim() && devices.trim()) { id = candidate; break; }
      }
      assert.ok(id, 'some incident has evidence and a device');
      const before = await story();
      const alerts = await app.page.locator('[data-testid="incident-detail"] [data-testid="alert-card"]').count();

      // A write, through incremental consent; the page then shows the server's version of the incident.
      await app.page.getByTestId('action-assign-me').click();
      await app.page.getByTestId('action-consent-go').click();
      await new SignInPage(app.page).consent();
      await app.page.getByTestId('action-confirm').waitFor({ timeout: 15_000 });
      const n = await activity().count();
      await app.page.getByTestId('action-confirm').click();
      await app.page.waitForFunction((k) => document.querySelectorAll('[data-testid="activity-log"] li').length > k, n,
        { timeout: 30_000 });
      assert.match(await activity().first().evaluate((li) => li.textContent), /done/);
      // What the write set is shown; the story is unchanged.
      await app.page.locator('[data-testid="incident-detail"] .facts').filter({ hasText: /ada\.analyst|Ada/i }).waitFor();
      assert.deepEqual(await story(), before, 'evidence and devices as before the write');
      assert.equal(await app.page.locator('[data-testid="incident-detail"] [data-testid="alert-card"]').count(), alerts);

      // Read again from the server after a reload: still the same.
      await app.page.reload();
      await app.page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`).waitFor();
      await app.page.locator('[data-testid="incident-detail"] [data-testid="entities"]').waitFor();
      assert.deepEqual(await story(), before, 'evidence and devices as the server holds them');
    });
  });
}
