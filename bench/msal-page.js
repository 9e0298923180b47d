// The benchmark's comparator: a minimal page on Microsoft's @azure/msal-browser doing Onbehalf's first job —
// redirect sign-in, a token for the incidents API, one request, one table. bench/run.mjs bundles it with esbuild
// (minified, as a production build would be) and defines __MSAL_BENCH__ = { clientId, authority, scope, api }.
// It marks its steps in window.__bench.marks (set up by the benchmark's init script) for the phase breakdown.
/* global __MSAL_BENCH__ */
import { PublicClientApplication } from '@azure/msal-browser';

const C = __MSAL_BENCH__;
const mark = (k) => { const b = window.__bench; if (b && !(k in b.marks)) b.marks[k] = performance.now(); };
const root = document.getElementById('app');

function cell(tr, text) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  tr.append(td);
}

function table(incidents) {
  const t = document.createElement('table');
  const head = t.createTHead().insertRow();
  for (const h of ['Id', 'Incident', 'Severity', 'Status', 'Updated']) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  const body = t.createTBody();
  for (const i of incidents) {
    const tr = body.insertRow();
    tr.dataset.testid = 'incident-row';
    for (const v of [i.incidentId, i.incidentName, i.severity, i.status, i.lastUpdateTime]) cell(tr, String(v ?? ''));
  }
  return t;
}

async function main() {
  mark('scriptStart');
  const pca = new PublicClientApplication({
    auth: {
      clientId: C.clientId,
      authority: C.authority,
      // Not a Microsoft host: trust it without asking login.microsoftonline.com's instance discovery.
      knownAuthorities: [new URL(C.authority).host],
      redirectUri: `${location.origin}/`,
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await pca.initialize();
  mark('msalInitialized');
  const redirect = await pca.handleRedirectPromise();
  mark('redirectHandled');
  const account = redirect?.account ?? pca.getAllAccounts()[0];
  if (!account) {
    const b = document.createElement('button');
    b.dataset.testid = 'sign-in';
    b.textContent = 'Sign in';
    b.onclick = () => pca.loginRedirect({ scopes: [C.scope] });
    root.replaceChildren(b);
    return;
  }
  const { accessToken } = await pca.acquireTokenSilent({ scopes: [C.scope], account });
  mark('tokenAcquired');
  const res = await fetch(C.api, { headers: { authorization: `Bearer ${accessToken}` } });
  if (!res.ok) throw new Error(`GET ${C.api}: HTTP ${res.status}`);
  const { value } = await res.json();
  mark('apiParsed');
  root.replaceChildren(table(value));
}

main().catch((e) => {
  const p = document.createElement('p');
  p.dataset.testid = 'error';
  p.textContent = `Error: ${e?.errorCode ?? ""} ${e?.message ?? e}`;
  root.replaceChildren(p);
});
