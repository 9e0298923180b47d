// Page objects: what a user sees and does on the app and on the sandbox's sign-in pages.

export class AppPage {
  constructor(page, sandbox) { this.page = page; this.sandbox = sandbox; }
  async open(path = '/') { await this.page.goto(`${this.sandbox.app}${path}`); return this; }
  async clickSignIn() { await this.page.getByTestId('sign-in').click(); }
  async clickSignOut() { await this.page.getByTestId('sign-out').click(); }
  rows() { return this.page.getByTestId('incident-row'); }
  async waitForRows(timeout = 20_000) { await this.rows().first().waitFor({ timeout }); return this.rows().count(); }
  /** Shows the queue view `hash` (a URL fragment) and waits until every page of it has loaded and rows show. */
  async showView(hash) {
    await this.page.evaluate((h) => { location.hash = h; }, hash);
    await this.page.waitForFunction(() => !document.querySelector('[data-testid="progress"]')?.textContent.includes('…'));
    return this.waitForRows();
  }
  authError() { return this.page.getByTestId('auth-error'); }
  apiError() { return this.page.getByTestId('api-error'); }
  claims() { return this.page.getByTestId('token-claims'); }
  /** Unfolds the pictures (severity × status, created over time); the page remembers it across reloads. */
  async showPictures() {
    const toggle = this.page.getByTestId('pictures-toggle');
    if (await toggle.getAttribute('aria-expanded') !== 'true') await toggle.click();
    await this.page.getByTestId('summary').waitFor();
  }
  /** Opens the token menu in the top bar (once signed in) and waits for the token's claims to show. */
  async showToken(timeout = 15_000) {
    const menu = this.page.getByTestId('token-menu');
    await menu.waitFor({ timeout });
    if (!(await this.claims().isVisible())) await menu.click();
    await this.claims().waitFor({ timeout });
  }
  claim(name) { return this.page.locator(`[data-testid="token-claims"] [data-claim="${name}"]`); }
  async storage() {
    return this.page.evaluate(() => ({
      session: Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage.getItem(k)])),
      local: Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])),
      cookies: document.cookie,
      url: location.href,
    }));
  }
}

export class SignInPage {
  constructor(page) { this.page = page; }
  async pickUser(user) { await this.page.getByTestId(`user-${user}`).click(); }
  /** On the consent page, untick the scopes in `withhold`, then accept. */
  async consent({ withhold = [] } = {}) {
    await this.page.getByTestId('consent-accept').waitFor();
    for (const scope of withhold) {
      await this.page.locator(`[data-testid="consent-scope"][value="${scope}"]`).uncheck();
    }
    await this.page.getByTestId('consent-accept').click();
  }
  async decline() { await this.page.getByTestId('consent-decline').click(); }
}

/** The whole sign-in as a user does it: app → provider sign-in → consent (if asked) → back to the app. */
export async function signIn(app, { user = 'analyst', withhold = [] } = {}) {
  await app.open();
  await app.clickSignIn();
  const idp = new SignInPage(app.page);
  await idp.pickUser(user);
  const backInApp = (u) => u.toString().startsWith(app.sandbox.app);
  const asked = await Promise.race([
    app.page.getByTestId('consent-accept').waitFor({ timeout: 15_000 }).then(() => true),
    app.page.waitForURL(backInApp, { timeout: 15_000 }).then(() => false),
  ]);
  if (asked) await idp.consent({ withhold });
  await app.page.waitForURL(backInApp, { timeout: 15_000 });
}

export const INCIDENT_READ = 'https://api.security.microsoft.com/Incident.Read';

/** Starts a sign-in as `user` and declines the consent prompt; resolves once the app shows the sign-in error. */
export async function declineConsent(app, { user = 'analyst' } = {}) {
  await app.open();
  await app.clickSignIn();
  const idp = new SignInPage(app.page);
  await idp.pickUser(user);
  await idp.decline();
  await app.authError().waitFor();
}
