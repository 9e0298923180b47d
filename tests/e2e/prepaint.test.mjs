// The page paints its frame and the sign-in card from index.html alone, before any script runs, and the app
// takes that frame over without leaving a second copy behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage } from './harness.mjs';
import { AppPage } from './pages.mjs';

let sandbox, browser;
before(async () => { sandbox = await startSandbox(); browser = await startBrowser(); });
after(async () => { await browser?.close(); sandbox?.stop(); });

test('without scripts the HTML alone paints the top bar and the sign-in card', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(`${sandbox.app}/`);
    assert.equal(await page.locator('.topbar .brand').innerText(), '◆ Onbehalf');
    assert.equal(await page.locator('.signin h1').innerText(), 'Your incident queue, on behalf of you');
    assert.ok(await page.locator('.signin').isVisible());
  } finally { await context.close(); }
});

test('once the app runs there is one frame, and the card it shows sits where the painted one was', async () => {
  const page = await newPage(browser, { viewport: { width: 1280, height: 800 } });
  const app = new AppPage(page, sandbox);
  // Where the HTML put the card, measured before the wasm has run (the script is held back until measured).
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route(/\.wasm$/, async (route) => { await held; await route.continue(); });
  await page.goto(`${sandbox.app}/`, { waitUntil: 'domcontentloaded' });
  const painted = await page.locator('#prepaint-main .signin h1').boundingBox();
  release();
  await app.page.getByTestId('sign-in').waitFor();
  assert.equal(await page.locator('.topbar').count(), 1, 'one top bar');
  assert.equal(await page.locator('#prepaint-main, #prepaint-top').count(), 0, 'the painted frame is gone');
  const mounted = await page.locator('.signin h1').boundingBox();
  assert.deepEqual([mounted.x, mounted.y], [painted.x, painted.y], 'the heading did not move');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
