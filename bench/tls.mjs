// HTTPS on loopback for the benchmark: a self-signed certificate made at run time, TLS reverse proxies in front
// of the sandbox's plain-HTTP origins, and a TLS static server. MSAL refuses an http authority, so the
// comparator needs TLS; Onbehalf is measured through the same proxies so both pay the same handshakes.
import https from 'node:https';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname } from 'node:path';

/** A P-256 certificate for 127.0.0.1 and localhost (openssl, into a temp dir that is removed again), and `spki`,
 * the base64 SHA-256 of its public key, for Chromium's --ignore-certificate-errors-spki-list: with it the certificate
 * counts as valid, so responses are cached as they would be (with certificate errors merely ignored, Chromium
 * caches nothing, and a page that relies on the HTTP cache, such as MSAL's second discovery, would be penalised). */
export function selfSignedCert() {
  const dir = mkdtempSync(join(tmpdir(), 'onbehalf-bench-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const der = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
    return { key: readFileSync(join(dir, 'key.pem')), cert, spki: createHash('sha256').update(der).digest('base64') };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** An HTTPS server on an ephemeral loopback port; resolves with its origin and a close(). */
function listen(tls, handler) {
  const server = https.createServer(tls, handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({
      origin: `https://127.0.0.1:${server.address().port}`,
      close: () => { server.closeAllConnections(); server.close(); },
    }));
  });
}

/** A TLS reverse proxy. It listens before its target exists (the sandbox must be told the proxy's origin
 * first); set `target` (an http origin) before the first request. Requests and answers pass unchanged. */
export async function tlsProxy(tls) {
  const agent = new http.Agent({ keepAlive: true });
  const proxy = { target: null };
  const server = await listen(tls, (req, res) => {
    const up = http.request(`${proxy.target}${req.url}`, { method: req.method, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', (e) => { res.writeHead(502, { 'content-type': 'text/plain' }); res.end(String(e)); });
    req.pipe(up);
  });
  return Object.assign(proxy, server, { close: () => { server.close(); agent.destroy(); } });
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

/** Serves the files of `dir` over TLS, index.html for extension-less paths, no caching (as the sandbox serves
 * the app: `no-cache` without validators, so every visit downloads everything). */
export function tlsStatic(tls, dir) {
  return listen(tls, (req, res) => {
    const path = new URL(req.url, 'https://x').pathname;
    const name = extname(path) ? path.slice(1) : 'index.html';
    let body;
    try { if (name.includes('/') || name.startsWith('.')) throw new Error('outside'); body = readFileSync(join(dir, name)); } catch {
      res.writeHead(404); res.end(); return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(body);
  });
}
