// A hostile or broken incidents API: text stays text, links only go to the Defender portal, the page never
// panics, and a bad answer on refresh keeps what was already on screen (rows stay, an api-error is shown).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage } from './harness.mjs';
import { AppPage, signIn } from './pages.mjs';

let sandbox, browser;
before(async () => {
  sandbox = await startSandbox(['--incidents', '30', '--hostile']);
  browser = await startBrowser();
});
after(async () => { await browser?.close(); sandbox?.stop(); });
beforeEach(async () => { await sandbox.reset(); });

/** Flags any script or handler that hostile data might run. */
const TRAP = () => {
  window.__pwned = undefined;
  for (const name of ['alert', 'confirm', 'prompt']) window[name] = () => { window.__pwned = name; };
};

async function signedIn() {
  const page = await newPage(browser);
  await page.addInitScript(TRAP);
  const app = new AppPage(page, sandbox);
  await signIn(app);
  const n = await app.waitForRows();
  return { app, n };
}

async function assertNothingRan(app) {
  assert.equal(await app.page.evaluate(() => window.__pwned), undefined, 'no hostile script, handler or alert ran');
  const injected = await app.page.evaluate(() => ({
    iframes: document.querySelectorAll('iframe').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
    scripts: [...document.querySelectorAll('script')].filter((s) => !s.src && !s.textContent.includes('wasm')).length,
    hrefs: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
  }));
  assert.equal(injected.iframes, 0, 'no iframe injected');
  assert.equal(injected.handlers, 0, 'no inline event handler attribute in the DOM');
  assert.equal(injected.scripts, 0, 'no inline script injected');
  for (const h of injected.hrefs) {
    assert.ok(!/^\s*(javascript|data|vbscript):/i.test(h), `no script link: ${h}`);
    // MITRE links are built by the app from a technique id it checked (T1234 or T1234.001), never taken from the API.
    const mitre = /^https:\/\/attack\.mitre\.org\/techniques\/T\d{4}\/(\d{3}\/)?$/.test(h);
    assert.ok(/^(#|\/|https:\/\/security\.microsoft\.com\/)/.test(h) || mitre || h.startsWith(sandbox.idp) || h.startsWith(sandbox.app),
      `link goes only to the portal, a MITRE technique page, the app or the sign-in service: ${h}`);
  }
  const portal = await app.page.getByTestId('portal-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const h of portal) assert.ok(h.startsWith('https://security.microsoft.com/'), `portal link: ${h}`);
}

test('hostile incident data renders as text, links only to the portal, and nothing runs', async () => {
  const { app, n } = await signedIn();
  assert.ok(n >= 8, 'hostile incidents are listed with the rest');
  const text = await app.page.locator('body').innerText();
  assert.ok(/<script|<img|<iframe|<b>/i.test(text), 'markup from the API is visible as text');
  await assertNothingRan(app);
  // Open every hostile incident row's detail view: nested text, comments and alerts render as text as well.
  const hostileIds = await app.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-incident-id')));
  for (const id of hostileIds.slice(0, 8)) {
    const link = app.page.locator(`[data-testid="incident-row"][data-incident-id="${id}"] [data-testid="incident-link"]`);
    if (await link.count()) {
      // Wait for the incident page itself (a state), then come back for the next row.
      await link.click();
      await app.page.getByTestId('incident-detail').waitFor();
      await app.page.getByTestId('back-to-queue').click();
      await app.waitForRows();
    }
  }
  await assertNothingRan(app);
  // The app keeps responding.
  await app.page.goto(`${sandbox.app}/`);
  await app.waitForRows();
  await app.page.getByTestId('refresh').click();
  await app.waitForRows();
  assert.deepEqual(app.page.errors, [], 'no panic, no page error');
});

/** Loads rows, sets `faults`, clicks Refresh: the rows stay and an api-error says what went wrong. */
async function refreshKeepsRows(faults, pattern) {
  const { app, n } = await signedIn();
  await sandbox.faults(faults);
  await sandbox.clearRequests();
  await app.page.getByTestId('refresh').click();
  await app.apiError().waitFor({ timeout: 20_000 });
  const text = await app.apiError().innerText();
  if (pattern) assert.match(text, pattern, `api-error: ${text}`);
  assert.equal(await app.rows().count(), n, 'what was on screen stays');
  const calls = (await sandbox.requests()).filter((r) => r.service === 'defender');
  assert.ok(calls.length >= 1, 'the refresh did call the API');
  assert.deepEqual(app.page.errors, [], 'no panic, no page error');
  // Still responsive: with the fault gone, a refresh works again.
  await sandbox.faults({ malformed_json: false, truncate_body: false, wrong_content_type: false, huge_body_mb: null, force_429: 0 });
  await app.page.waitForFunction(() => !document.querySelector('[data-testid="refresh"]')?.disabled, null, { timeout: 30_000 });
  await app.page.getByTestId('refresh').click();
  await app.apiError().waitFor({ state: 'detached', timeout: 30_000 });
  assert.ok(await app.rows().count() > 0);
  await app.page.context().close();
}

test('a 50 MB body is refused, rows stay', () => refreshKeepsRows({ huge_body_mb: 50 }, /large|MB/i));

test('truncated JSON is refused, rows stay', () => refreshKeepsRows({ truncate_body: true }));

test('malformed JSON is refused, rows stay', () => refreshKeepsRows({ malformed_json: true }));

test('a wrong content type is refused, rows stay', () => refreshKeepsRows({ wrong_content_type: true }));

test('a 429 with a garbage Retry-After waits a sane time, rows stay', async () => {
  const { app, n } = await signedIn();
  await sandbox.faults({ force_429: 1, retry_after: 'garbage<script>' });
  await app.page.getByTestId('refresh').click();
  await app.page.getByTestId('retry-countdown').waitFor({ timeout: 10_000 });
  const countdown = await app.page.getByTestId('retry-countdown').innerText();
  assert.match(countdown, /\d/, `a number of seconds: ${countdown}`);
  assert.ok(!/NaN|garbage|undefined|Infinity/.test(countdown), `no garbage in the countdown: ${countdown}`);
  assert.equal(await app.rows().count(), n, 'what was on screen stays');
  assert.deepEqual(app.page.errors, []);
  await app.page.context().close();
});
