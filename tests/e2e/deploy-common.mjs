// What the deploy tests share: a free loopback port, and a site laid out as a deployer would (the built dist/
// plus a config.json under a subpath of a temp root) with onbehalf-deploy's recipes generated for it.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, mkdirSync, cpSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

export const SUBPATH = '/tools/onbehalf/';
// ONBEHALF_DIST: test another build than dist/ (e.g. scripts/build --dist /tmp/dist-deploy).
export const DIST = process.env.ONBEHALF_DIST || join(ROOT, 'dist');
const GENERATOR = join(ROOT, 'target', 'debug', 'onbehalf-deploy');

export const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.on('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

/** dist + config.json at http://127.0.0.1:port/tools/onbehalf/ under a temp root; the recipes in `out/`. */
export function layOut(port, config, generatorArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'onbehalf-deploy-'));
  const www = join(dir, 'www');
  const files = join(www, SUBPATH);
  mkdirSync(files, { recursive: true });
  cpSync(DIST, files, { recursive: true });
  writeFileSync(join(files, 'config.json'), JSON.stringify(config));
  const site = `http://127.0.0.1:${port}${SUBPATH}`;
  const gen = spawnSync(GENERATOR, ['--dist', files, '--site-url', site, '--root', www, '--out', join(dir, 'out'),
    ...generatorArgs], { encoding: 'utf8' });
  assert.equal(gen.status, 0, `onbehalf-deploy failed:\n${gen.stderr}`);
  return { dir, site, base: site.replace(/\/$/, ''), origin: `http://127.0.0.1:${port}` };
}
