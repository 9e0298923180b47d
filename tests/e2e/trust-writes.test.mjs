// Writes the analyst can trust (issue 21 items 1, 4, 5, 6, 9, 10; issue 23 item 11), both sources:
// "Resolve as…" sends nothing until confirmed and its confirmation shows old → new; the classification form starts
// from the incident's own values (empty, with Resolve off, for an unclassified one); the held action's confirmation
// after consent shows the comment it will write; a comment that fails (503) or is refused stays in the box; three
// role-refused bulk writes report three refusals, not "3 of 3 done"; the read-only user's token menu states the
// role a write needs before any refusal; the activity list is folded and survives a reload.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage, shot } from './harness.mjs';
import { AppPage, SignInPage, signIn } from './pages.mjs';

const WIDE = '#/incidents?status=all&severity=all&range=all';

for (const source of ['defender', 'graph']) {
  describe(`trustworthy writes (${source})`, () => {
    let sandbox, browser;
    before(async () => {
      sandbox = await startSandbox(['--source', source, '--incidents', '40', '--seed', '11']);
      browser = await startBrowser();
    });
    after(async () => {
      await browser?.close();
      sandbox?.stop();
    });

    const writes = async () => (await sandbox.requests())
      .filter((r) => r.service === source && (r.method === 'PATCH' || r.method === 'POST'));
    const logLines = (a) => a.page.locator('[data-testid="activity-log"] li');
    const acted = async (a, gesture) => {
      const n = await logLines(a).count();
      await gesture();
      await a.page.waitForFunction((n) => document.querySelectorAll('[data-testid="activity-log"] li').length > n, n,
        { timeout: 30_000 });
      return logLines(a).first().evaluate((li) => li.textContent);
    };
    const rowIds = async (a) => {
      await a.showView(WIDE);
      return a.rows().evaluateAll((rows) => rows.map((r) => r.dataset.incidentId));
    };
    const open = async (a, id) => {
      await a.showView(WIDE);
      await a.page.locator(`[data-testid="incident-row"][data-incident-id="${id}"] [data-testid="incident-link"]`).click();
      await a.page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`).waitFor();
    };
    const picked = (a, name) => a.page.locator(`[data-testid="action-classify"] select[name="${name}"]`)
      .evaluate((s) => s.value);
    const textarea = (a) => a.page.locator('[data-testid="action-comment"] textarea');

    test('analyst: consent shows the comment it will write; a failed comment stays; Resolve as… waits for a confirmation naming old → new; Classify starts from the held values; the activity list is folded and survives a reload', async () => {
      const app = new AppPage(await newPage(browser, { bypassCSP: true }), sandbox);
      await signIn(app);
      await app.waitForRows();
      const [plain, phished] = await rowIds(app);
      // One unclassified active incident, one already classified Phishing (as the issue found them).
      await sandbox.patchIncident(plain, { status: 'Active', classification: 'Unknown', determination: 'NotAvailable' });
      await sandbox.patchIncident(phished, { status: 'Active', classification: 'TruePositive', determination: 'Phishing' });
      await app.page.reload();
      await open(app, plain);

      // An unclassified incident: the form starts empty, Resolve and Classify stay off until the analyst picks.
      assert.equal(await picked(app, 'classification'), '');
      const classify = app.page.getByTestId('action-classify');
      assert.equal(await classify.locator('button[data-do="resolve"]').isDisabled(), true, 'Resolve off before a pick');
      assert.equal(await classify.locator('button[data-do="classify"]').isDisabled(), true, 'Classify off before a pick');

      // The first write asks for the permission, saying a role is needed too; back from consent the held
      // comment is shown as it will be written.
      await textarea(app).fill('First look: benign admin script');
      await app.page.locator('[data-testid="action-comment"] button[type="submit"]').click();
      const consent = app.page.getByTestId('action-consent');
      await consent.waitFor();
      assert.match(await app.page.getByTestId('action-consent-role').innerText(), /also checks your role.*Security Operator/s);
      await app.page.getByTestId('action-consent-go').click();
      await new SignInPage(app.page).consent();
      const held = app.page.getByTestId('action-held');
      await held.waitFor({ timeout: 15_000 });
      assert.match(await held.getByTestId('write-preview').innerText(),
        new RegExp(`incident #${plain} .*comment “First look: benign admin script” \\(added\\)`));
      assert.match(await acted(app, () => app.page.getByTestId('action-confirm').click()), /comment on .*First look.* — done$/);

      // A comment met by a 503 stays in the box, and the failure is in the activity list.
      await textarea(app).fill('Second look: kept after a 503');
      await sandbox.faults({ error_rate: 1.0 });
      const failed = await acted(app, async () => {
        // Only the comment meets the fault: the read that follows a failed write finds the API well again.
        const refused = app.page.waitForResponse((r) => ['POST', 'PATCH'].includes(r.request().method()) && r.status() >= 500);
        await app.page.locator('[data-testid="action-comment"] button[type="submit"]').click();
        await refused;
        await sandbox.faults({ error_rate: 0 });
      });
      assert.match(failed, /— failed: /);
      assert.equal(await textarea(app).inputValue(), 'Second look: kept after a 503', 'the comment is not erased');
      assert.match(await app.page.getByTestId('action-result').innerText(), /kept here/);

      // Resolve as…: nothing is sent until confirmed; the confirmation names the incident, old and new values.
      await classify.locator('select[name="classification"]').selectOption({ label: 'True positive' });
      await classify.locator('select[name="determination"]').selectOption({ label: 'Malware' });
      await sandbox.clearRequests();
      await classify.locator('button[data-do="resolve"]').click();
      const confirm = app.page.getByTestId('action-write-confirm');
      await confirm.waitFor();
      assert.match(await confirm.getByTestId('write-preview').innerText(), new RegExp(`^Resolve incident #${plain} '.+': `
        + 'status Active → Resolved, classification Not classified → True positive, determination Not available → Malware$'));
      await shot(app.page, `trust-resolve-confirm-${source}`);
      assert.equal((await writes()).length, 0, 'nothing is sent before Confirm');
      await app.page.getByTestId('action-write-cancel').click();
      assert.equal(await confirm.count(), 0);
      assert.equal((await writes()).length, 0, 'nor after Cancel');
      await classify.locator('button[data-do="resolve"]').click();
      assert.match(await acted(app, () => app.page.getByTestId('action-write-confirm-go').click()),
        /resolve #\d+ as True positive · Malware — done$/);
      const sent = await writes();
      assert.equal(sent.filter((w) => w.method === 'PATCH').length, 1, 'one PATCH after the confirmation');

      // An incident classified Phishing: the form shows Phishing, and Classify has nothing to write until changed.
      await open(app, phished);
      assert.deepEqual([await picked(app, 'classification'), await picked(app, 'determination')],
        ['truepositive', 'phishing']);
      assert.equal(await classify.locator('button[data-do="classify"]').isDisabled(), true);
      await classify.locator('select[name="determination"]').selectOption({ label: 'Multi-staged attack' });
      await classify.locator('button[data-do="classify"]').click();
      assert.match(await app.page.getByTestId('write-preview').innerText(), /determination Phishing → Multi-staged attack/);
      await app.page.getByTestId('action-write-cancel').click();

      // The activity list: folded, with the values written, and still there (failure included) after a reload.
      const details = app.page.getByTestId('activity');
      assert.equal(await details.evaluate((d) => d.open), false, 'folded by default');
      const beforeReload = await logLines(app).evaluateAll((l) => l.map((x) => x.textContent));
      assert.equal(beforeReload.length, 3);
      assert.ok(beforeReload.some((l) => /Second look.* — failed/.test(l)), beforeReload.join(' | '));
      await app.page.reload();
      await app.page.locator(`[data-testid="incident-detail"][data-incident-id="${phished}"]`).waitFor({ timeout: 20_000 });
      assert.deepEqual(await logLines(app).evaluateAll((l) => l.map((x) => x.textContent)), beforeReload);
      assert.equal(await details.evaluate((d) => d.open), false);
      assert.deepEqual(app.page.errors, []);
      await app.page.context().close();
    });

    test('reader: the token menu names the role before any refusal; a refused comment stays; three refused bulk writes count as three refusals', async () => {
      const reader = new AppPage(await newPage(browser, { bypassCSP: true }), sandbox);
      await signIn(reader, { user: 'reader' });
      await reader.waitForRows();
      const ids = await rowIds(reader);
      await open(reader, ids[5]);
      // Consent to the write permission, then cancel the held action: nothing refused yet.
      await reader.page.getByTestId('action-assign-me').click();
      await reader.page.getByTestId('action-consent-go').click();
      await new SignInPage(reader.page).consent();
      await reader.page.getByTestId('action-held').waitFor({ timeout: 15_000 });
      await reader.page.getByTestId('action-write-cancel').click();

      await reader.showToken();
      const update = reader.page.locator('[data-testid="permission-call"][data-role]:not([data-role="none"])').first();
      assert.equal(await update.getAttribute('data-granted'), 'true');
      assert.equal(await update.getAttribute('data-role'), 'unknown');
      assert.doesNotMatch(await update.getAttribute('class'), /granted/, 'not a green "granted"');
      assert.match(await update.innerText(), /needs also a role: .*Security Operator.*not known until the API answers/);
      await shot(reader.page, `trust-token-role-${source}`);
      await reader.page.keyboard.press('Escape');

      // A refused comment stays in the box; the controls then say why they are off.
      await textarea(reader).fill('Reader note that the role refuses');
      const line = await acted(reader, () => reader.page.locator('[data-testid="action-comment"] button[type="submit"]').click());
      assert.match(line, /— refused: your role does not allow it$/);
      assert.equal(await textarea(reader).inputValue(), 'Reader note that the role refuses');
      assert.match(await reader.page.getByTestId('actions-blocked').innerText(), /refused your account/);
      assert.equal(await reader.page.getByTestId('action-assign-me').isDisabled(), true);
      await reader.showToken();
      assert.equal(await update.getAttribute('data-role'), 'refused');
      await reader.page.keyboard.press('Escape');

      // A reload starts the controls afresh; three role-refused bulk writes report three refusals.
      await reader.page.reload();
      await reader.showView(WIDE);
      for (const id of ids.slice(0, 3)) {
        await reader.page.locator(`[data-testid="incident-row"][data-incident-id="${id}"] [data-testid="row-select"]`).click();
      }
      const bar = reader.page.getByTestId('bulk-bar');
      await bar.locator('select[name="bulk-status"]').selectOption({ label: 'In progress' });
      await bar.locator('button[data-bulk="status"]').click();
      await reader.page.getByTestId('bulk-confirm').click();
      await reader.page.waitForFunction(() => {
        const items = [...document.querySelectorAll('[data-testid="bulk-progress"] li')];
        return items.length === 3 && items.every((li) => li.dataset.state !== 'pending');
      }, null, { timeout: 60_000 });
      assert.equal(await reader.page.getByTestId('bulk-tally').innerText(), '0 done, 3 refused by your role, 0 failed');
      assert.deepEqual(await reader.page.$$eval('[data-testid="bulk-progress"] li', (l) => l.map((x) => x.dataset.state)),
        ['refused', 'refused', 'refused']);
      await reader.page.getByTestId('bulk-blocked').waitFor();
      await shot(reader.page, `trust-bulk-refused-${source}`);
      assert.deepEqual(reader.page.errors, []);
      await reader.page.context().close();
    });
  });
}
