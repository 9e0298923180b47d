// Acting on incidents for the analyst (issue 14), both sources: incremental consent (the action held across the
// redirect, one PATCH after the confirmation), every incident-page action showing the server's version, a double
// click sending one write, declined consent staying signed in and read-only, a reader's role refusal explained,
// and "actions": false showing no control and never asking for a write permission.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, startBrowser, newPage, shot, ROOT } from './harness.mjs';
import { AppPage, SignInPage, signIn } from './pages.mjs';

const WIDE = '#/incidents?status=all&severity=all&range=all';
const WRITE = { defender: 'Incident.ReadWrite', graph: 'SecurityIncident.ReadWrite.All' };

for (const source of ['defender', 'graph']) {
  describe(`actions (${source})`, () => {
    let sandbox, browser, app;
    before(async () => {
      sandbox = await startSandbox(['--source', source, '--incidents', '60', '--seed', '5']);
      browser = await startBrowser();
      app = new AppPage(await newPage(browser, { bypassCSP: true }), sandbox);
    });
    after(async () => {
      // No panic or uncaught error reached the page in any of the tests above.
      const errors = app?.page.errors ?? [];
      await browser?.close();
      sandbox?.stop();
      assert.deepEqual(errors, []);
    });

    const writes = async () => (await sandbox.requests())
      .filter((r) => r.service === source && (r.method === 'PATCH' || r.method === 'POST'));
    const authorizeScopes = async () => (await sandbox.requests())
      .filter((r) => r.path.endsWith('/authorize'))
      .map((r) => new URLSearchParams(r.query).get('scope') ?? '');
    const openIncident = async (a, n = 0) => {
      await a.page.evaluate((h) => { location.hash = h; }, WIDE);
      await a.waitForRows();
      const row = a.rows().nth(n);
      const id = await row.getAttribute('data-incident-id');
      await row.getByTestId('incident-link').click();
      await a.page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"]`).waitFor();
      return id;
    };
    const logLines = (a) => a.page.locator('[data-testid="activity-log"] li');
    /** Does `gesture`, waits for its activity line, and returns it. */
    const acted = async (a, gesture) => {
      const before = await logLines(a).count();
      await gesture();
      await a.page.waitForFunction((n) => document.querySelectorAll('[data-testid="activity-log"] li').length > n, before);
      // textContent: the list is folded by default (issue 21), and a folded line has no innerText.
      return logLines(a).first().textContent();
    };
    const facts = (a) => a.page.locator('[data-testid="incident-detail"] .facts').innerText();
    /** Waits until the element at `selector` shows text matching `re` (the server's version, once rendered). */
    const shows = (a, selector, re) => a.page.waitForFunction(([sel, src, flags]) =>
      new RegExp(src, flags).test(document.querySelector(sel)?.innerText ?? ''), [selector, re.source, re.flags]);
    const FACTS = '[data-testid="incident-detail"] .facts';
    /** A resolve or a classification change is shown first (old → new) and sent only on Confirm (issue 21). */
    const confirmed = (a, click) => async () => {
      await click();
      const box = a.page.getByTestId('action-write-confirm');
      await box.waitFor();
      assert.match(await box.getByTestId('write-preview').innerText(), / → /);
      await a.page.getByTestId('action-write-confirm-go').click();
    };

    test('sign-in asks only to read; the first action asks for the write permission and is confirmed after', async () => {
      await signIn(app);
      await app.waitForRows();
      for (const s of await authorizeScopes()) assert.ok(!s.includes(WRITE[source]), `sign-in asked for ${s}`);
      const id = await openIncident(app);
      const hashBefore = await app.page.evaluate(() => location.hash);
      await sandbox.clearRequests();
      await app.page.getByTestId('action-assign-me').click();
      const consent = app.page.getByTestId('action-consent');
      await consent.waitFor();
      assert.match(await consent.innerText(), new RegExp(WRITE[source].replace(/\./g, '\\.')));
      assert.equal((await writes()).length, 0, 'nothing is sent before the permission');
      await app.page.getByTestId('action-consent-go').click();
      const idp = new SignInPage(app.page);
      await app.page.getByTestId('consent-accept').waitFor();
      const offered = await app.page.locator('[data-testid="consent-scope"]').evaluateAll((e) => e.map((x) => x.value));
      assert.deepEqual(offered.map((s) => s.split('/').pop()), [WRITE[source]], 'only the new permission is asked');
      await idp.consent();
      await app.page.getByTestId('action-confirm').waitFor({ timeout: 15_000 });
      assert.equal(await app.page.evaluate(() => location.hash), hashBefore, 'same view and incident');
      assert.equal(await app.page.getByTestId('incident-detail').getAttribute('data-incident-id'), id);
      const [scope] = await authorizeScopes();
      assert.ok(scope.includes(WRITE[source]) && scope.includes('openid'), scope);
      assert.equal((await writes()).length, 0, 'the held action is not fired by itself');
      await shot(app.page, `actions-confirm-${source}`);
      const line = await acted(app, () => app.page.getByTestId('action-confirm').click());
      assert.match(line, new RegExp(`^\\d\\d:\\d\\d assign #${id} to you — done$`));
      const w = await writes();
      assert.equal(w.length, 1, 'exactly one write after the confirmation');
      assert.equal(w[0].method, 'PATCH');
      await shows(app, FACTS, /ada\.analyst@sandbox\.onbehalf\.test/);
      assert.equal(await app.page.getByTestId('action-result').getAttribute('data-ok'), 'true');
      const calls = app.page.locator('[data-testid="permission-call"]');
      assert.ok(await calls.count() >= 3);
      assert.equal(await calls.last().getAttribute('data-granted'), 'true');
    });

    test('every incident-page action shows the server\'s version', async () => {
      const id = await openIncident(app, 1);
      const statusButton = (label) => app.page.getByTestId('action-status').getByRole('button', { name: label, exact: true });
      assert.match(await acted(app, () => statusButton('In progress').click()), /— done$/);
      await shows(app, FACTS, /In progress/);

      await app.page.locator('[data-testid="action-assign"] input').fill('secop2@contoso.com');
      assert.match(await acted(app, () => app.page.locator('[data-testid="action-assign"] button').click()), /to secop2@contoso\.com — done$/);
      await shows(app, FACTS, /secop2@contoso\.com/);
      const unassign = app.page.getByTestId('action-unassign');
      if (source === 'graph') {
        assert.match(await acted(app, () => unassign.click()), /unassign .* — done$/);
        await shows(app, FACTS, /Unassigned/);
      } else {
        assert.equal(await unassign.count(), 0, 'Defender documents no way to clear the owner');
      }

      const classify = app.page.getByTestId('action-classify');
      await classify.locator('select[name="classification"]').selectOption({ label: 'True positive' });
      await classify.locator('select[name="determination"]').selectOption({ label: 'Malware' });
      const dets = await classify.locator('select[name="determination"] option').allInnerTexts();
      assert.ok(!dets.includes('Security testing'), 'only documented pairs are offered');
      assert.match(await acted(app, confirmed(app, () => classify.locator('button[data-do="classify"]').click())), /— done$/);
      await shows(app, FACTS, /True positive · Malware/);

      const tags = app.page.getByTestId('action-tag');
      await tags.locator('input[name="tag"]').fill('e2e-tag');
      assert.match(await acted(app, () => tags.locator('button[type="submit"]').click()), /— done$/);
      await shows(app, '[data-testid="incident-tags"]', /e2e-tag/);
      assert.match(await acted(app, () => app.page.locator('[data-remove="e2e-tag"]').click()), /— done$/);
      await app.page.waitForFunction(() => !document.querySelector('[data-testid="incident-detail"] .incident-head').innerText.includes('e2e-tag'));

      await app.page.locator('[data-testid="action-comment"] textarea').fill('Looked at it in the e2e test');
      assert.match(await acted(app, () => app.page.locator('[data-testid="action-comment"] button').click()), /comment on .* — done$/);
      await shows(app, '[data-testid="comments"]', /Looked at it in the e2e test/);

      await classify.locator('select[name="classification"]').selectOption({ label: 'False positive' });
      await classify.locator('input[name="resolve-comment"]').fill('closing note');
      assert.match(await acted(app, confirmed(app, () => classify.locator('button[data-do="resolve"]').click())), /resolve #.* — done$/);
      await shows(app, FACTS, /Resolved[\s\S]*False positive/);
      await shows(app, '[data-testid="comments"]', /closing note/);
      assert.equal(await app.page.getByTestId('incident-detail').getAttribute('data-incident-id'), id);
      await shot(app.page, `actions-incident-${source}`);
      await app.page.emulateMedia({ colorScheme: 'dark' });
      await shot(app.page, `actions-incident-${source}-dark`);
      await app.page.emulateMedia({ colorScheme: 'light' });
    });

    test('no serious or critical accessibility violations with the action controls (axe-core)', async () => {
      const axe = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
      const check = async (where) => {
        await app.page.addScriptTag({ content: axe });
        const res = await app.page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
        const bad = res.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
        assert.deepEqual(bad.map((v) => `${where}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.html ?? ''}`), []);
      };
      await openIncident(app, 3);
      await check('incident actions');
      await app.page.getByTestId('back-to-queue').click();
      await app.waitForRows();
      await app.page.getByTestId('row-select').first().click();
      await check('queue with a selection');
      await app.page.getByTestId('row-select').first().click();
    });

    test('a double click sends one write', async () => {
      await openIncident(app, 2);
      await sandbox.clearRequests();
      const before = await logLines(app).count();
      await app.page.getByTestId('action-status').locator('button:not([disabled])').first()
        .evaluate((b) => { b.click(); b.click(); });
      await app.page.waitForFunction((n) => document.querySelectorAll('[data-testid="activity-log"] li').length > n, before);
      assert.equal(await logLines(app).count(), before + 1);
      assert.equal((await writes()).length, 1);
    });

    test('bulk: shift-click range, one confirmation naming the count, a 429 and 5xx in the middle leave every incident correct on screen', async () => {
      await app.page.evaluate((h) => { location.hash = h; }, WIDE);
      await app.waitForRows();
      const boxes = app.page.getByTestId('row-select');
      await boxes.nth(3).click();
      await boxes.nth(6).click({ modifiers: ['Shift'] });
      assert.equal(await app.page.getByTestId('selected-count').innerText(), '4 selected');
      const ids = await app.rows().evaluateAll((rows) => rows.slice(3, 7).map((r) => r.getAttribute('data-incident-id')));
      const bar = app.page.getByTestId('bulk-bar');
      await bar.locator('select[name="bulk-status"]').selectOption({ label: 'In progress' });
      await bar.locator('button[data-bulk="status"]').click();
      const confirmation = app.page.getByTestId('bulk-confirmation');
      assert.match(await confirmation.innerText(), /4 incidents/);
      await sandbox.clearRequests();
      // The first write meets a 429; then half the calls fail with 500/503 until the bulk action is over.
      await sandbox.faults({ force_429: 1, retry_after: '1', error_rate: 0.5 });
      await app.page.getByTestId('bulk-confirm').click();
      await app.page.waitForFunction(() => {
        const items = [...document.querySelectorAll('[data-testid="bulk-progress"] li')];
        return items.length === 4 && items.every((li) => li.dataset.state !== 'pending');
      }, null, { timeout: 120_000 });
      await sandbox.faults({ error_rate: 0, force_429: 0 });
      await app.page.getByTestId('bulk-bar').scrollIntoViewIfNeeded();
      await shot(app.page, `actions-bulk-${source}`);
      const log = await sandbox.requests();
      assert.ok(log.some((r) => r.status === 429), 'a 429 was met');
      // The queue shows this tab's activity too, one line per incident of the bulk action.
      const lines = await app.page.locator('[data-testid="activity-log"] li').allTextContents();
      for (const id of ids) assert.ok(lines.some((l) => l.includes(`#${id} to In progress`)), `${id}: ${lines.join(' | ')}`);
      // What each row shows is what the API holds.
      const truth = await app.page.evaluate(async ({ base, source, ids }) => {
        const token = JSON.parse(sessionStorage.getItem('onbehalf.session')).access_token;
        const out = {};
        for (const id of ids) {
          const url = source === 'graph' ? `${base}/v1.0/security/incidents/${id}` : `${base}/api/incidents/${id}`;
          const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
          out[id] = (await r.json()).status;
        }
        return out;
      }, { base: source === 'graph' ? sandbox.graph : sandbox.defenderApi, source, ids });
      const states = await app.page.locator('[data-testid="bulk-progress"] li').evaluateAll((l) => l.map((x) => [x.dataset.incidentId, x.dataset.state]));
      for (const [id, state] of states) {
        const row = app.page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`);
        const onScreen = (await row.locator('td').nth(3).innerText()).replace(/\s/g, '').toLowerCase();
        assert.equal(onScreen, truth[id].toLowerCase(), `#${id} (${state}) shows what the API holds`);
        if (state === 'done') assert.equal(onScreen, 'inprogress');
      }
    });

    test('declined consent keeps the session, read-only, with a message', async () => {
      const other = new AppPage(await newPage(browser, { bypassCSP: true }), sandbox);
      await signIn(other, { user: 'admin' });
      const id = await openIncident(other);
      await sandbox.clearRequests();
      await other.page.getByTestId('action-assign-me').click();
      await other.page.getByTestId('action-consent-go').click();
      await new SignInPage(other.page).decline();
      const result = other.page.getByTestId('action-result');
      await result.waitFor({ timeout: 15_000 });
      assert.match(await result.innerText(), /not granted.*read-only/s);
      assert.equal(await other.page.getByTestId('incident-detail').getAttribute('data-incident-id'), id);
      assert.equal(await other.page.getByTestId('sign-in').count(), 0, 'still signed in');
      assert.equal(await other.page.getByTestId('action-confirm').count(), 0);
      assert.equal((await writes()).length, 0);
      // Asked again, and this time the write permission is left unticked: the token still lacks it, so the page
      // says the same instead of offering the action.
      await other.page.getByTestId('action-assign-me').click();
      await other.page.getByTestId('action-consent-go').click();
      const backInApp = (u) => u.toString().startsWith(sandbox.app);
      await other.page.waitForURL((u) => !backInApp(u), { timeout: 15_000 });
      const asked = await Promise.race([
        other.page.getByTestId('consent-accept').waitFor({ timeout: 15_000 }).then(() => true),
        other.page.waitForURL(backInApp, { timeout: 15_000 }).then(() => false),
      ]);
      if (asked) {
        const scopes = await other.page.locator('[data-testid="consent-scope"]').evaluateAll((e) => e.map((x) => x.value));
        await new SignInPage(other.page).consent({ withhold: scopes });
      }
      await other.page.locator('[data-testid="action-result"]', { hasText: 'not granted' }).waitFor({ timeout: 15_000 })
        .catch(async (e) => { throw new Error(`${e.message}\nThe page said: ${await other.page.locator('body').innerText()}`); });
      assert.equal(await other.page.getByTestId('action-confirm').count(), 0);
      assert.equal(await other.page.locator('[data-testid="permission-call"]').last().getAttribute('data-granted'), 'false');
      assert.equal((await writes()).length, 0);
      assert.deepEqual(other.page.errors, []);
      await other.page.context().close();
    });

    test('a reader holding the write permission gets the role refusal explained', async () => {
      const reader = new AppPage(await newPage(browser, { bypassCSP: true }), sandbox);
      await signIn(reader, { user: 'reader' });
      await openIncident(reader);
      const before = await facts(reader);
      await reader.page.getByTestId('action-assign-me').click();
      await reader.page.getByTestId('action-consent-go').click();
      await new SignInPage(reader.page).consent();
      await reader.page.getByTestId('action-confirm').waitFor({ timeout: 15_000 });
      const line = await acted(reader, () => reader.page.getByTestId('action-confirm').click());
      assert.match(line, /— refused: your role does not allow it$/);
      const text = await reader.page.getByTestId('action-result').innerText();
      assert.match(text, /holds the permission, but your account needs/);
      assert.match(text, /Insufficient privileges/);
      assert.match(await reader.page.getByTestId('refusal-side').innerText(), /your account needs/);
      assert.equal(await facts(reader), before, 'the incident is as it was');
      assert.deepEqual(reader.page.errors, []);
      await reader.page.context().close();
    });

    test('"actions": false shows no control and never asks for a write permission', async () => {
      await sandbox.reset();
      const page = await newPage(browser, { bypassCSP: true });
      await page.route('**/config.json', async (route) => {
        const response = await route.fetch();
        const json = await response.json();
        await route.fulfill({ response, json: { ...json, actions: false } });
      });
      const off = new AppPage(page, sandbox);
      await signIn(off);
      await openIncident(off);
      assert.equal(await page.getByTestId('incident-actions').count(), 0);
      assert.equal(await page.getByTestId('action-assign-me').count(), 0);
      assert.equal(await page.locator('[data-testid="permission-call"]').count(), 1, 'only the read calls are listed');
      // Nor in the queue: no checkbox per row, no bulk bar.
      await page.getByTestId('back-to-queue').click();
      await off.waitForRows();
      assert.equal(await page.getByTestId('row-select').count(), 0);
      assert.equal(await page.getByTestId('bulk-bar').count(), 0);
      for (const s of await authorizeScopes()) assert.ok(!s.includes(WRITE[source]), s);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  });
}
