// Interoperability: sign in and out against `oidc-provider` (the OpenID-certified Node.js provider, not ours),
// through its own login, consent and end-session pages, with a public client that must use PKCE S256.
// The app is served by a small static server here (dist/ plus a config.json naming that provider); the
// sandbox only stands in for the incidents API, which rejects this provider's tokens: sign-in is what's tested.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, extname, normalize } from 'node:path';
import Provider from 'oidc-provider';
import { ROOT, startSandbox, startBrowser, newPage, shot } from './harness.mjs';
import { AppPage } from './pages.mjs';

const CLIENT_ID = '0b5e7a11-0000-4000-8000-0000000c1e27';
const DIST = process.env.ONBEHALF_E2E_DIST || join(ROOT, 'dist');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };

const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${server.address().port}`)));

let sandbox, browser, appServer, opServer, appOrigin, issuer;
const config = {};

before(async () => {
  // The app here is served by another server, without the sandbox's relay: it calls Defender directly.
  sandbox = await startSandbox(['--incidents', '5', '--defender-direct']);
  browser = await startBrowser();
  appServer = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return res.end(JSON.stringify(config));
    }
    const file = normalize(join(DIST, path === '/' || !extname(path) ? 'index.html' : path));
    if (!file.startsWith(DIST)) { res.writeHead(403); return res.end(); }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'referrer-policy': 'no-referrer' });
      res.end(body);
    } catch { res.writeHead(404); res.end(); }
  });
  appOrigin = await listen(appServer);

  opServer = createServer();
  issuer = await listen(opServer);
  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_name: 'Onbehalf (interop)',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [`${appOrigin}/`],
      post_logout_redirect_uris: [`${appOrigin}/`],
    }],
    pkce: { required: () => true }, // S256 is the only method oidc-provider allows
    clientBasedCORS: (ctx, origin) => origin === appOrigin,
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
    conformIdTokenClaims: false,
    findAccount: (ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, name: `Interop ${id}`, preferred_username: `${id}@interop.test` }),
    }),
    features: { devInteractions: { enabled: true } },
  });
  provider.on('server_error', (ctx, err) => console.error('oidc-provider server_error', err));
  opServer.on('request', provider.callback());

  Object.assign(config, { authority: issuer, client_id: CLIENT_ID, source: 'defender', api_base: sandbox.defender });
});
after(async () => {
  await browser?.close();
  sandbox?.stop();
  appServer?.close();
  opServer?.closeAllConnections?.();
  opServer?.close();
});

test('sign in and out through oidc-provider\'s own pages', async () => {
  const page = await newPage(browser);
  // This provider's API calls fail by design (the API rejects its tokens); only page errors of ours count.
  const app = new AppPage(page, { ...sandbox, app: appOrigin });
  const authorizeUrls = [];
  page.on('request', (r) => { if (r.url().startsWith(`${issuer}/auth`)) authorizeUrls.push(new URL(r.url())); });

  await app.open();
  await app.clickSignIn();
  // devInteractions: a login form (any name, any password), then a consent form.
  await page.locator('input[name="login"]').fill('ada');
  await page.locator('input[name="password"]').fill('any');
  await page.locator('button[type="submit"]').first().click();
  await page.locator('button[type="submit"]').first().waitFor();
  await page.locator('button[type="submit"]').first().click();
  await page.waitForURL((u) => u.toString().startsWith(appOrigin), { timeout: 15_000 });

  const auth = authorizeUrls[0];
  assert.ok(auth, 'went to the provider\'s authorization endpoint');
  assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(auth.searchParams.get('response_type'), 'code');
  assert.ok(auth.searchParams.get('state') && auth.searchParams.get('nonce'));

  await app.showToken(15_000);
  assert.equal(await app.claim('name').innerText(), 'Interop ada');
  assert.equal(await app.claim('preferred_username').innerText(), 'ada@interop.test');
  const st = await app.storage();
  const session = JSON.parse(st.session['onbehalf.session']);
  assert.ok(session.access_token && session.access_token.split('.').length !== 3, 'an opaque access token is kept');
  assert.equal(session.id_claims?.sub, 'ada');
  assert.ok(!st.url.includes('code=') && !st.url.includes('state=') && !st.url.includes('iss='), 'address bar cleaned');
  assert.equal(await app.authError().count(), 0, 'no sign-in error');
  await shot(page, 'interop-oidc-provider');

  await app.clickSignOut();
  await page.waitForURL((u) => u.toString().startsWith(`${issuer}/session/end`), { timeout: 15_000 });
  await page.getByRole('button', { name: /yes/i }).click();
  await page.waitForURL((u) => u.toString().startsWith(appOrigin), { timeout: 15_000 });
  await app.page.getByTestId('sign-in').waitFor();
  const after = await app.storage();
  assert.deepEqual(Object.keys(after.session).filter((k) => k.startsWith('onbehalf.')), [], 'storage cleared');
  const own = page.errors.filter((e) => !e.startsWith('404') && !/Failed to load|401|CORS|access control/i.test(e));
  assert.deepEqual(own, [], 'no page errors');
});
