// scripts/register-app against a fake `az` on PATH: the exact calls it makes, the config.json it prints,
// and how it fails. The expected argv follow the Azure CLI reference for `az ad app create`, `az ad app permission
// add|admin-consent`, `az ad sp show|create`, `az account show` and the Graph `PATCH /v1.0/applications/{id}`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'register-app');
const FAKE_BIN = join(ROOT, 'tests', 'deploy', 'fake-az');
const DEFENDER = '8ee8fdad-f234-4243-8f3b-15c294843740';
const GRAPH = '00000003-0000-0000-c000-000000000000';
const TENANT = '5a4db0c0-0b1e-4e5a-9c7d-5a0db0c0ffee';
const APP = 'a0a0a0a0-1111-4222-8333-444444444444';
const OBJ = 'b0b0b0b0-1111-4222-8333-444444444444';
const SITE = 'https://tools.example.com/tools/onbehalf/';

function run(args, env = {}) {
  const log = join(mkdtempSync(join(tmpdir(), 'fake-az-')), 'calls.jsonl');
  const r = spawnSync('bash', [SCRIPT, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_AZ_LOG: log, ...env },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  return { ...r, calls };
}

const withCmd = (calls, ...prefix) => calls.filter((c) => prefix.every((p, i) => c[i] === p));

test('defender: creates a single-tenant SPA registration with Incident.Read, consents, prints config.json', () => {
  const r = run(['--redirect-uri', SITE, '--source', 'defender']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.calls, [
    ['account', 'show', '--query', 'tenantId', '-o', 'tsv'],
    ['ad', 'sp', 'show', '--id', DEFENDER, '--query', "oauth2PermissionScopes[?value=='Incident.Read'].id", '-o', 'tsv'],
    ['ad', 'app', 'list', '--display-name', 'Onbehalf', '--query', '[].appId', '-o', 'tsv'],
    ['ad', 'app', 'create', '--display-name', 'Onbehalf', '--sign-in-audience', 'AzureADMyOrg',
      '--enable-id-token-issuance', 'false', '--enable-access-token-issuance', 'false', '--query', 'appId', '-o', 'tsv'],
    ['ad', 'app', 'show', '--id', APP, '--query', 'id', '-o', 'tsv'],
    ['rest', '--method', 'PATCH', '--uri', `https://graph.microsoft.com/v1.0/applications/${OBJ}`,
      '--headers', 'Content-Type=application/json', '--body',
      JSON.stringify({ spa: { redirectUris: [SITE] }, web: { implicitGrantSettings: { enableIdTokenIssuance: false, enableAccessTokenIssuance: false } } })],
    ['ad', 'app', 'permission', 'add', '--id', APP, '--api', DEFENDER, '--api-permissions', 'c0c0c0c0-0000-4000-8000-00000000de01=Scope'],
    ['ad', 'sp', 'show', '--id', APP, '--query', 'id', '-o', 'tsv'],
    ['ad', 'app', 'permission', 'admin-consent', '--id', APP],
  ]);
  // No secret or certificate is ever asked for: a public client.
  assert.equal(r.calls.filter((c) => c.includes('credential') || c.some((a) => /secret|password|cert/i.test(a))).length, 0);
  const cfg = JSON.parse(r.stdout);
  assert.deepEqual(cfg, {
    authority: `https://login.microsoftonline.com/${TENANT}/v2.0`, client_id: APP,
    source: 'defender', api_base: 'https://api.security.microsoft.com',
  });
});

test('graph: SecurityIncident.Read.All on Microsoft Graph; several redirect URIs; the proxy api_base; a new service principal', () => {
  const r = run(['--redirect-uri', SITE, '--redirect-uri', 'http://localhost:8080/', '--source', 'graph', '--name', 'SOC incidents',
    '--api-base', 'https://graph.microsoft.com/'], { FAKE_AZ_NO_SP: '1' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(withCmd(r.calls, 'ad', 'sp', 'show')[0],
    ['ad', 'sp', 'show', '--id', GRAPH, '--query', "oauth2PermissionScopes[?value=='SecurityIncident.Read.All'].id", '-o', 'tsv']);
  assert.equal(withCmd(r.calls, 'ad', 'app', 'list')[0][4], 'SOC incidents');
  assert.equal(withCmd(r.calls, 'ad', 'app', 'create')[0][4], 'SOC incidents');
  assert.deepEqual(JSON.parse(withCmd(r.calls, 'rest')[0].at(-1)).spa.redirectUris, [SITE, 'http://localhost:8080/']);
  assert.deepEqual(withCmd(r.calls, 'ad', 'app', 'permission', 'add')[0],
    ['ad', 'app', 'permission', 'add', '--id', APP, '--api', GRAPH, '--api-permissions', 'c0c0c0c0-0000-4000-8000-0000000067a1=Scope']);
  assert.deepEqual(withCmd(r.calls, 'ad', 'sp', 'create')[0], ['ad', 'sp', 'create', '--id', APP, '--query', 'id', '-o', 'tsv']);
  const cfg = JSON.parse(r.stdout);
  assert.equal(cfg.source, 'graph');
  assert.equal(cfg.api_base, 'https://graph.microsoft.com');
});

test('re-running reuses the registration with that name instead of creating another', () => {
  const r = run(['--redirect-uri', SITE], { FAKE_AZ_EXISTING: 'e0e0e0e0-1111-4222-8333-444444444444' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(withCmd(r.calls, 'ad', 'app', 'create').length, 0);
  assert.equal(withCmd(r.calls, 'ad', 'app', 'permission', 'add')[0][5], 'e0e0e0e0-1111-4222-8333-444444444444');
  assert.equal(JSON.parse(r.stdout).client_id, 'e0e0e0e0-1111-4222-8333-444444444444');
  const two = run(['--redirect-uri', SITE], { FAKE_AZ_EXISTING: 'e0e0e0e0-1111-4222-8333-444444444444,f0f0f0f0-1111-4222-8333-444444444444' });
  assert.notEqual(two.status, 0);
  assert.match(two.stderr, /several app registrations/);
});

test('--no-consent skips admin consent and says where an admin grants it; a refused consent does not lose the config', () => {
  const r = run(['--redirect-uri', SITE, '--no-consent']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(withCmd(r.calls, 'ad', 'app', 'permission', 'admin-consent').length, 0);
  assert.match(r.stderr, /Grant admin consent/);
  const refused = run(['--redirect-uri', SITE], { FAKE_AZ_FAIL: 'ad app permission admin-consent' });
  assert.equal(refused.status, 0, refused.stderr);
  assert.match(refused.stderr, /admin consent failed.*Grant admin consent/s);
  assert.equal(JSON.parse(refused.stdout).client_id, APP);
});

test('fails clearly, before creating anything, on bad arguments, no login, or a tenant without the API', () => {
  const cases = [
    [[], {}, /--redirect-uri is required/],
    [['--redirect-uri', 'http://tools.example.com/'], {}, /https/],
    [['--redirect-uri', `${SITE}?x=1`], {}, /query/],
    [['--redirect-uri', SITE, '--source', 'sentinel'], {}, /defender or graph/],
    [['--redirect-uri', SITE, '--bogus'], {}, /unknown argument/],
    [['--redirect-uri', SITE], { FAKE_AZ_FAIL: 'account show' }, /az login/],
    [['--redirect-uri', SITE], { FAKE_AZ_FAIL: `ad sp show --id ${DEFENDER}` }, /Defender XDR must be set up|--source graph/],
    [['--redirect-uri', SITE], { FAKE_AZ_NO_SCOPE: '1' }, /no delegated permission named Incident.Read/],
  ];
  for (const [args, env, message] of cases) {
    const r = run(args, env);
    assert.notEqual(r.status, 0, `${args.join(' ')} should fail`);
    assert.match(r.stderr, message, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', 'no config.json printed on failure');
    assert.equal(withCmd(r.calls, 'ad', 'app', 'create').length, 0, 'nothing created');
  }
});

test('--actions adds the write permission next to the read one (both sources) and says so in config.json', () => {
  for (const [source, api, read, write, readId, writeId] of [
    ['defender', DEFENDER, 'Incident.Read', 'Incident.ReadWrite', 'c0c0c0c0-0000-4000-8000-00000000de01', 'c0c0c0c0-0000-4000-8000-00000000de02'],
    ['graph', GRAPH, 'SecurityIncident.Read.All', 'SecurityIncident.ReadWrite.All', 'c0c0c0c0-0000-4000-8000-0000000067a1', 'c0c0c0c0-0000-4000-8000-0000000067a2'],
  ]) {
    const r = run(['--redirect-uri', SITE, '--source', source, '--actions']);
    assert.equal(r.status, 0, r.stderr);
    const lookups = withCmd(r.calls, 'ad', 'sp', 'show', '--id', api).map((c) => c[6]);
    assert.deepEqual(lookups, [`oauth2PermissionScopes[?value=='${read}'].id`, `oauth2PermissionScopes[?value=='${write}'].id`]);
    assert.deepEqual(withCmd(r.calls, 'ad', 'app', 'permission', 'add'),
      [['ad', 'app', 'permission', 'add', '--id', APP, '--api', api, '--api-permissions', `${readId}=Scope`, `${writeId}=Scope`]]);
    const cfg = JSON.parse(r.stdout);
    assert.equal(cfg.actions, true);
    assert.equal(cfg.source, source);
  }
  // Without --actions nothing about writes is asked for or printed.
  const plain = run(['--redirect-uri', SITE]);
  assert.ok(!plain.calls.some((c) => c.some((a) => a.includes('ReadWrite'))));
  assert.equal(JSON.parse(plain.stdout).actions, undefined);
  const missing = run(['--redirect-uri', SITE, '--actions'], { FAKE_AZ_NO_SCOPE: '1' });
  assert.notEqual(missing.status, 0);
});

test('--hunting adds Graph\'s ThreatHunting.Read.All: beside the incidents permission on Graph, as a second API for Defender', () => {
  const HUNT = 'c0c0c0c0-0000-4000-8000-0000000067b1';
  const graph = run(['--redirect-uri', SITE, '--source', 'graph', '--hunting']);
  assert.equal(graph.status, 0, graph.stderr);
  assert.ok(withCmd(graph.calls, 'ad', 'sp', 'show', '--id', GRAPH).some((c) => c[6] === "oauth2PermissionScopes[?value=='ThreatHunting.Read.All'].id"));
  assert.deepEqual(withCmd(graph.calls, 'ad', 'app', 'permission', 'add'),
    [['ad', 'app', 'permission', 'add', '--id', APP, '--api', GRAPH, '--api-permissions', 'c0c0c0c0-0000-4000-8000-0000000067a1=Scope', `${HUNT}=Scope`]]);
  const defender = run(['--redirect-uri', SITE, '--source', 'defender', '--hunting', '--actions']);
  assert.equal(defender.status, 0, defender.stderr);
  assert.deepEqual(withCmd(defender.calls, 'ad', 'app', 'permission', 'add'), [
    ['ad', 'app', 'permission', 'add', '--id', APP, '--api', DEFENDER, '--api-permissions',
      'c0c0c0c0-0000-4000-8000-00000000de01=Scope', 'c0c0c0c0-0000-4000-8000-00000000de02=Scope'],
    ['ad', 'app', 'permission', 'add', '--id', APP, '--api', GRAPH, '--api-permissions', `${HUNT}=Scope`],
  ]);
  // Admin consent comes after both, so it covers both APIs.
  const order = defender.calls.map((c) => c.slice(0, 4).join(' '));
  assert.ok(order.lastIndexOf('ad app permission admin-consent') > order.lastIndexOf('ad app permission add'));
  assert.deepEqual(Object.keys(JSON.parse(defender.stdout)).sort(), ['actions', 'api_base', 'authority', 'client_id', 'source']);
  // Without --hunting nothing about hunting is asked for.
  assert.ok(!run(['--redirect-uri', SITE]).calls.some((c) => c.some((a) => a.includes('ThreatHunting'))));
  const missing = run(['--redirect-uri', SITE, '--hunting'], { FAKE_AZ_NO_SCOPE: '1' });
  assert.notEqual(missing.status, 0);
  assert.equal(withCmd(missing.calls, 'ad', 'app', 'create').length, 0, 'nothing created');
});
