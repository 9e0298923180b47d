// Bulk actions in the queue (issue 14), both sources: a bulk action that needs the write permission keeps its
// selection across the consent redirect and comes back held for confirmation, then sends exactly one PATCH per
// incident (a double click on the confirmation included); declined consent keeps the selection, read-only, with a
// message; "assign to me" and "classify" send each API's documented body, and every row then shows what the API
// holds. (Set status, and a 429 and 5xx in the middle of a bulk action, are in actions.test.mjs.)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage, shot } from './harness.mjs';
import { AppPage, SignInPage, signIn } from './pages.mjs';

const WIDE = '#/incidents?status=all&severity=all&range=all';
const ME = 'ada.analyst@sandbox.onbehalf.test';
const CLASSIFY = {
  defender: { classification: 'TruePositive', determination: 'Phishing' },
  graph: { classification: 'truePositive', determination: 'phishing' },
};

for (const source of ['defender', 'graph']) {
  describe(`bulk actions (${source})`, () => {
    let sandbox, browser, app;
    const api = () => (source === 'graph' ? sandbox.graph : sandbox.defenderApi);
    before(async () => {
      sandbox = await startSandbox(['--source', source, '--incidents', '60', '--seed', '7']);
      browser = await startBrowser();
      app = new AppPage(await newPage(browser), sandbox);
      // Every write the page sends, with its body, as the API received it.
      app.sent = [];
      app.page.on('request', (r) => {
        if (['PATCH', 'POST'].includes(r.method()) && r.url().startsWith(api())) {
          // The API's own path (a Defender call goes through the app origin's /defender-api/ relay).
          const path = new URL(r.url()).pathname.slice(new URL(api()).pathname.replace(/\/$/, '').length);
          app.sent.push({ method: r.method(), path, body: JSON.parse(r.postData() ?? 'null') });
        }
      });
      await signIn(app);
      // The sign-in's own way back to its view ends first, so the wide view set here is not replaced by it.
      await app.waitForRows();
      await app.page.evaluate((h) => { location.hash = h; }, WIDE);
      await app.page.waitForFunction(() => !document.querySelector('[data-testid="progress"]')?.textContent.includes('…'));
      await app.waitForRows();
    });
    after(async () => {
      const errors = app?.page.errors ?? [];
      await browser?.close();
      sandbox?.stop();
      assert.deepEqual(errors, []);
    });

    const idPath = (id) => (source === 'graph' ? `/v1.0/security/incidents/${id}` : `/api/incidents/${id}`);
    const row = (id) => app.page.locator(`[data-testid="incident-row"][data-incident-id="${id}"]`);
    const cell = async (id, n) => (await row(id).locator('td').nth(n).innerText()).trim();
    const bar = () => app.page.getByTestId('bulk-bar');
    /** Ids of rows on this screen whose column `n` does not already show `text` (so the action changes them). */
    const rowsNotShowing = async (n, text, count) => {
      const ids = await app.rows().evaluateAll((rows, [n, text]) => rows
        .filter((r) => !r.querySelectorAll('td')[n]?.innerText.includes(text))
        .map((r) => r.dataset.incidentId), [n, text]);
      assert.ok(ids.length >= count, `${count} rows to change (${ids.length})`);
      return ids.slice(0, count);
    };
    const select = async (ids) => {
      if ((await app.page.getByTestId('selected-count').innerText()) !== '0 selected') {
        await bar().getByRole('button', { name: 'Clear' }).click();
      }
      for (const id of ids) await row(id).getByTestId('row-select').click();
      assert.equal(await app.page.getByTestId('selected-count').innerText(), `${ids.length} selected`);
    };
    const checkedIds = () => app.page.$$eval('[data-testid="incident-row"]', (rows) => rows
      .filter((r) => r.querySelector('[data-testid="row-select"]')?.checked).map((r) => r.dataset.incidentId));
    const chooseClassify = async () => {
      await bar().locator('select[name="classification"]').selectOption({ label: 'True positive' });
      await bar().locator('select[name="determination"]').selectOption({ label: 'Phishing' });
      await bar().locator('button[data-bulk="classify"]').click();
    };
    const patchesBySandbox = async () => (await sandbox.requests())
      .filter((r) => r.service === source && (r.method === 'PATCH' || r.method === 'POST'));
    const waitUntilDone = (n) => app.page.waitForFunction((n) => {
      const items = [...document.querySelectorAll('[data-testid="bulk-progress"] li')];
      return items.length === n && items.every((li) => li.dataset.state !== 'pending');
    }, n, { timeout: 60_000 });
    /** What the API holds for each id now (read with the page's own token). */
    const truth = (ids) => app.page.evaluate(async ({ base, graph, ids }) => {
      const token = JSON.parse(sessionStorage.getItem('onbehalf.session')).access_token;
      const out = {};
      for (const id of ids) {
        const url = graph ? `${base}/v1.0/security/incidents/${id}` : `${base}/api/incidents/${id}`;
        out[id] = await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).json();
      }
      return out;
    }, { base: api(), graph: source === 'graph', ids });
    /** Leaves for the consent page from the bulk bar's prompt (asked for after the confirmation). */
    const toConsent = async () => {
      await app.page.getByTestId('bulk-confirm').click();
      const prompt = app.page.getByTestId('bulk-consent');
      await prompt.waitFor();
      assert.match(await prompt.innerText(), /come back to this selection/);
      await app.page.getByTestId('bulk-consent-go').click();
    };

    test('declined consent keeps the selection, read-only, with a message', async () => {
      const ids = await rowsNotShowing(5, 'True positive · Phishing', 3);
      await select(ids);
      await chooseClassify();
      await sandbox.clearRequests();
      await toConsent();
      await new SignInPage(app.page).decline();
      const message = app.page.getByTestId('bulk-declined');
      await message.waitFor({ timeout: 15_000 });
      assert.match(await message.innerText(), /not granted.*read-only/s);
      await app.waitForRows();
      await app.page.setViewportSize({ width: 390, height: 844 });
      await message.scrollIntoViewIfNeeded();
      await shot(app.page, `bulk-declined-${source}-narrow`);
      await app.page.setViewportSize({ width: 1400, height: 900 });
      assert.equal(await app.page.evaluate(() => location.hash), WIDE, 'back on the same view');
      assert.equal(await app.page.getByTestId('selected-count').innerText(), '3 selected');
      assert.deepEqual((await checkedIds()).sort(), [...ids].sort(), 'the same rows are selected');
      assert.equal(await app.page.getByTestId('bulk-confirmation').count(), 0, 'nothing held to send');
      assert.equal(await app.page.getByTestId('sign-in').count(), 0, 'still signed in');
      assert.deepEqual(app.sent, []);
      assert.deepEqual(await patchesBySandbox(), []);
    });

    test('the consent round trip keeps the selection, holds the action, and a confirmation sends one PATCH per incident', async () => {
      const ids = await rowsNotShowing(5, 'True positive · Phishing', 4);
      await select(ids);
      await chooseClassify();
      assert.match(await app.page.getByTestId('bulk-confirmation').innerText(), /Classify as True positive · Phishing: 4 incidents\?/);
      await sandbox.clearRequests();
      await toConsent();
      await new SignInPage(app.page).consent();
      const held = app.page.getByTestId('bulk-confirmation');
      await held.waitFor({ timeout: 15_000 });
      await app.waitForRows();
      assert.equal(await app.page.evaluate(() => location.hash), WIDE, 'back on the same view');
      assert.equal(await held.getAttribute('data-after-consent'), 'true');
      assert.match(await held.innerText(), /permission was granted.*Classify as True positive · Phishing: 4 incidents\?/s);
      assert.equal(await app.page.getByTestId('selected-count').innerText(), '4 selected');
      assert.deepEqual((await checkedIds()).sort(), [...ids].sort(), 'the same rows are selected');
      assert.deepEqual(app.sent, [], 'the held action is not sent by itself');
      const picked = (name) => bar().locator(`select[name="${name}"]`).evaluate((s) => s.selectedOptions[0]?.textContent);
      assert.deepEqual([await picked('classification'), await picked('determination')], ['True positive', 'Phishing'],
        'the controls show the held action');
      await shot(app.page, `bulk-held-${source}`);

      // A double click on the confirmation starts one bulk action.
      await app.page.getByTestId('bulk-confirm').evaluate((b) => { b.click(); b.click(); });
      await waitUntilDone(4);
      assert.deepEqual(await app.page.$$eval('[data-testid="bulk-progress"] li', (l) => l.map((x) => x.dataset.state)),
        ['done', 'done', 'done', 'done']);
      assert.deepEqual(app.sent.map((w) => w.path).sort(), ids.map(idPath).sort(), 'one write per incident');
      for (const w of app.sent) {
        assert.equal(w.method, 'PATCH');
        assert.deepEqual(w.body, CLASSIFY[source], w.path);
      }
      const received = await patchesBySandbox();
      assert.deepEqual(received.map((r) => `${r.method} ${r.path} ${r.status}`).sort(),
        ids.map((id) => `PATCH ${idPath(id)} 200`).sort(), 'the sandbox received one PATCH per incident');
      const held2 = await truth(ids);
      for (const id of ids) {
        assert.equal(held2[id].classification, CLASSIFY[source].classification, id);
        assert.equal(held2[id].determination, CLASSIFY[source].determination, id);
        assert.equal(await cell(id, 5), 'True positive · Phishing', `row ${id} shows what the API holds`);
      }
    });

    // Runs after the round trip above, on its session: the write permission is already granted here.
    test('assign to me: one PATCH per incident with the documented body, and the rows show the new owner', async () => {
      const ids = await rowsNotShowing(4, ME, 3);
      await select(ids);
      await bar().locator('button[data-bulk="assign-me"]').click();
      assert.match(await app.page.getByTestId('bulk-confirmation').innerText(), /Assign to you: 3 incidents\?/);
      app.sent.length = 0;
      await app.page.getByTestId('bulk-confirm').click();
      await waitUntilDone(3);
      assert.deepEqual(app.sent.map((w) => w.path).sort(), ids.map(idPath).sort(), 'one write per incident');
      for (const w of app.sent) assert.deepEqual([w.method, w.body], ['PATCH', { assignedTo: ME }], w.path);
      const held = await truth(ids);
      for (const id of ids) {
        assert.equal(held[id].assignedTo, ME, id);
        assert.equal(await cell(id, 4), ME, `row ${id} shows what the API holds`);
      }
      const lines = await app.page.locator('[data-testid="activity-log"] li').allTextContents();
      for (const id of ids) assert.ok(lines.some((l) => l.includes(`#${id} to you — done`)), `${id}: ${lines.join(' | ')}`);
      await shot(app.page, `bulk-assigned-${source}`);
    });
  });
}
