// A hostile or broken identity provider: every bad answer shows an error, stores no token and makes no
// further call (no token request after a bad authorization response, no API call after a bad ID token).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, startBrowser, newPage } from './harness.mjs';
import { AppPage, SignInPage, signIn } from './pages.mjs';

let sandbox, browser;
before(async () => {
  sandbox = await startSandbox(['--incidents', '20']);
  browser = await startBrowser();
});
after(async () => { await browser?.close(); sandbox?.stop(); });
beforeEach(async () => { await sandbox.reset(); });

const NOT_OURS = /does not match a sign-in started in this tab/;
const isToken = (r) => r.service === 'idp' && r.method === 'POST' && r.path.endsWith('/token');
const isApi = (r) => r.service === 'defender' || r.service === 'graph';
const isAuthorize = (r) => r.service === 'idp' && r.path.endsWith('/authorize');

/** The error is shown, no session is stored, and nothing is left of the pending request. */
async function assertRefused(app, pattern) {
  await app.authError().waitFor({ timeout: 15_000 });
  const text = await app.authError().innerText();
  if (pattern) assert.match(text, pattern, `auth-error says why: ${text}`);
  const st = await app.storage();
  assert.equal(st.session['onbehalf.session'], undefined, 'no session in sessionStorage');
  assert.equal(await app.rows().count(), 0, 'no incidents shown');
  assert.deepEqual(app.page.errors, [], 'no page errors');
  return text;
}

/** Signs in through the sandbox pages with an ID-token fault on; the app must refuse the token. */
async function idTokenCase(faults, pattern) {
  await sandbox.faults(faults);
  const app = new AppPage(await newPage(browser), sandbox);
  await signIn(app);
  await assertRefused(app, pattern);
  const reqs = await sandbox.requests();
  assert.equal(reqs.filter(isToken).length, 1, 'the code was redeemed once');
  assert.deepEqual(reqs.filter(isApi), [], 'no API call with tokens from a refused sign-in');
  await app.page.context().close();
}

/**
 * Runs the real sign-in up to the redirect back, and hands the callback URL to `alter` instead of loading it.
 * Returns the page (on the sandbox's page, with the pending request in sessionStorage) and the real callback URL.
 */
async function captureCallback() {
  const app = new AppPage(await newPage(browser), sandbox);
  let resolveUrl;
  const captured = new Promise((r) => { resolveUrl = r; });
  // Playwright does not route the target of a redirect, so catch the provider's redirect itself.
  const fromIdp = (u) => u.toString().startsWith(sandbox.idp);
  await app.page.route(fromIdp, async (route) => {
    const res = await route.fetch({ maxRedirects: 0 });
    const location = res.headers()['location'];
    if (location && location.startsWith(sandbox.app) && /[?&](code|error)=/.test(location)) {
      resolveUrl(location);
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>held back by the test</p>' });
    } else {
      await route.fulfill({ response: res });
    }
  });
  await app.open();
  await app.clickSignIn();
  await new SignInPage(app.page).pickUser('analyst');
  await Promise.race([
    app.page.getByTestId('consent-accept').waitFor({ timeout: 15_000 }).then(() => new SignInPage(app.page).consent()),
    captured,
  ]);
  const url = new URL(await captured);
  await app.page.unroute(fromIdp);
  return { app, url };
}

/** The provider's authorize URL as the app built it, without going to the provider (a hostile one answers instead). */
async function hostileAuthorize(answer) {
  const app = new AppPage(await newPage(browser), sandbox);
  await app.page.route((u) => u.toString().startsWith(sandbox.idp) && u.pathname.endsWith('/authorize'), async (route) => {
    const req = new URL(route.request().url());
    const location = answer(req);
    await route.fulfill({ status: 302, headers: { location } });
  });
  await app.open();
  await app.clickSignIn();
  return app;
}

// ---- ID token ----

test('ID token from another issuer is refused', () =>
  idTokenCase({ id_token_claims: { iss: 'https://evil.example/5a4db0c0-0b1e-4e5a-9c7d-5a0db0c0ffee/v2.0' } }, /iss/));

test('ID token for another audience is refused', () =>
  idTokenCase({ id_token_claims: { aud: 'd0d0d0d0-0000-4000-8000-000000000bad' } }, /aud/));

test('ID token with an extra audience is refused', () =>
  idTokenCase({ id_token_claims: { aud: [sandbox.client_id, 'd0d0d0d0-0000-4000-8000-000000000bad'] } }, /aud/));

test('ID token without sub is refused', () => idTokenCase({ id_token_claims: { sub: null } }, /sub/));

test('ID token without exp is refused', () => idTokenCase({ id_token_claims: { exp: null } }, /exp/));

test('expired ID token is refused', () =>
  idTokenCase({ id_token_claims: { exp: Math.floor(Date.now() / 1000) - 3600 } }, /expired/i));

test('ID token without iat is refused', () => idTokenCase({ id_token_claims: { iat: null } }, /iat/));

test('ID token with a wrong nonce is refused', () => idTokenCase({ id_token_claims: { nonce: 'not-the-nonce' } }, /nonce/));

test('ID token without nonce is refused', () => idTokenCase({ id_token_claims: { nonce: null } }, /nonce/));

test('ID token with alg none is refused', () => idTokenCase({ id_token_alg_none: true }, /alg|none/i));

test('ID token signed by a key the provider does not publish (same kid) is refused', () =>
  idTokenCase({ id_token_foreign_key: true }, /signature does not verify/));

test('ID token whose azp names another application is refused', () =>
  idTokenCase({ id_token_claims: { azp: 'd0d0d0d0-0000-4000-8000-000000000bad' } }, /azp/));

// ---- authorization response ----

test('a callback without state never reaches the token endpoint', async () => {
  const { app, url } = await captureCallback();
  await sandbox.clearRequests();
  url.searchParams.delete('state');
  await app.page.goto(url.toString());
  await assertRefused(app, /state/i);
  assert.deepEqual((await sandbox.requests()).filter(isToken), [], 'no token request');
});

test('a callback with an unknown state never reaches the token endpoint', async () => {
  const app = new AppPage(await newPage(browser), sandbox);
  await sandbox.clearRequests();
  await app.open('/?code=stolen-code&state=0123456789abcdefghijklmnopqrstuvwxyzABCDEFG');
  await assertRefused(app, NOT_OURS);
  assert.deepEqual((await sandbox.requests()).filter(isToken), [], 'no token request');
});

test('a callback with a tampered state never reaches the token endpoint', async () => {
  const { app, url } = await captureCallback();
  await sandbox.clearRequests();
  const state = url.searchParams.get('state');
  url.searchParams.set('state', (state[0] === 'A' ? 'B' : 'A') + state.slice(1));
  await app.page.goto(url.toString());
  await assertRefused(app, NOT_OURS);
  assert.deepEqual((await sandbox.requests()).filter(isToken), [], 'no token request');
});

test('a replayed callback (state already used) never reaches the token endpoint', async () => {
  const { app, url } = await captureCallback();
  await app.page.goto(url.toString());
  await app.waitForRows();
  // The attacker replays the same callback in the signed-in tab, after the session is gone.
  await app.page.evaluate(() => sessionStorage.removeItem('onbehalf.session'));
  await sandbox.clearRequests();
  await app.page.goto(url.toString());
  await assertRefused(app, NOT_OURS);
  assert.deepEqual((await sandbox.requests()).filter(isToken), [], 'no token request for the replay');
});

test('wrong iss in the authorization response is refused when the provider advertises it', async () => {
  await sandbox.faults({ iss_in_authorize_response: true, authorize_response_iss: 'https://evil.example/v2.0' });
  const { app, url } = await captureCallback();
  assert.equal(url.searchParams.get('iss'), 'https://evil.example/v2.0');
  await sandbox.clearRequests();
  await app.page.goto(url.toString());
  await assertRefused(app, /evil\.example/);
  assert.deepEqual((await sandbox.requests()).filter(isToken), [], 'no token request');
});

test('missing iss in the authorization response is refused when the provider advertises it', async () => {
  await sandbox.faults({ iss_in_authorize_response: true });
  const { app, url } = await captureCallback();
  assert.ok(url.searchParams.get('iss'), 'the provider sent iss');
  url.searchParams.delete('iss');
  await sandbox.clearRequests();
  await app.page.goto(url.toString());
  await assertRefused(app, /iss/i);
  assert.deepEqual((await sandbox.requests()).filter(isToken), [], 'no token request');
});

test('error_description with HTML and script shows as text and runs nothing', async () => {
  const evil = '<img src=x onerror="window.__pwned=1" data-testid="evil-img"><script>window.__pwned=2</script><b>bold</b>';
  const app = await hostileAuthorize((req) => {
    const back = new URL(req.searchParams.get('redirect_uri'));
    back.searchParams.set('error', 'access_denied');
    back.searchParams.set('error_description', evil);
    back.searchParams.set('state', req.searchParams.get('state'));
    return back.toString();
  });
  const text = await assertRefused(app);
  assert.ok(text.includes('<script>window.__pwned=2</script>'), `markup shown literally: ${text}`);
  assert.ok(text.includes('<img src=x'), 'img markup shown literally');
  await app.page.waitForTimeout(300);
  assert.equal(await app.page.evaluate(() => window.__pwned), undefined, 'no injected script or handler ran');
  assert.equal(await app.page.locator('[data-testid="evil-img"], [data-testid="auth-error"] img, [data-testid="auth-error"] b').count(), 0,
    'no element injected');
  assert.deepEqual((await sandbox.requests()).filter(isToken), [], 'no token request');
});

test('a replayed code is refused by the provider (invalid_grant) and the error is shown', async () => {
  const { app, url } = await captureCallback();
  // Someone redeems the code first, with the verifier (as malicious script in the page could).
  await app.open();
  const pending = await app.page.evaluate(() => {
    const k = Object.keys(sessionStorage).find((x) => x.startsWith('onbehalf.pending.'));
    return JSON.parse(sessionStorage.getItem(k));
  });
  const tokenUrl = `${sandbox.idp}/${sandbox.tenant}/oauth2/v2.0/token`;
  const first = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: sandbox.app },
    body: new URLSearchParams({
      grant_type: 'authorization_code', client_id: sandbox.client_id, code: url.searchParams.get('code'),
      redirect_uri: pending.redirect_uri, code_verifier: pending.verifier,
      scope: 'openid profile offline_access https://api.security.microsoft.com/Incident.Read',
    }),
  });
  assert.equal(first.status, 200, `first redemption works: ${await first.text()}`);
  await sandbox.clearRequests();
  await app.page.goto(url.toString());
  await assertRefused(app, /AADSTS54005|already redeemed/i);
  const reqs = await sandbox.requests();
  assert.equal(reqs.filter(isToken).length, 1, 'one (failed) token request');
  assert.equal(reqs.filter(isToken)[0].status, 400);
  assert.deepEqual(reqs.filter(isApi), [], 'no API call');
});

test('a discovery document whose issuer is not the authority stops the sign-in', async () => {
  await sandbox.faults({ discovery_issuer: 'https://evil.example/5a4db0c0-0b1e-4e5a-9c7d-5a0db0c0ffee/v2.0' });
  const app = new AppPage(await newPage(browser), sandbox);
  await app.open();
  await app.clickSignIn();
  await assertRefused(app, /issuer/i);
  assert.ok(app.page.url().startsWith(sandbox.app), 'still on the app');
  const reqs = await sandbox.requests();
  assert.deepEqual(reqs.filter(isAuthorize), [], 'never sent to the authorize endpoint');
  assert.deepEqual(reqs.filter(isToken), [], 'no token request');
});
