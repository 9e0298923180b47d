// What the wasm bytes are: section sizes, and code bytes per function and per crate.
//
//   node bench/wasm-size.mjs FILE.wasm [--top N] [--json]
//
// Function names come from the wasm "name" section, so give it a build that still has one: the
// release pipeline strips it, so `scripts/bench` re-runs the same `wasm-opt -Oz` with `-g` (keep names)
// on target/wasm-bindgen/release/onbehalf_bg.wasm. The code bytes then match the shipped wasm's to
// within a few bytes; the name section itself is not shipped.
import { readFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const SECTION = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start',
  'element', 'code', 'data', 'datacount'];

export function gz(buf) { return gzipSync(buf, { level: 9 }).length; }
export function br(buf) {
  return brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}

/** Parses a wasm module into sections, function bodies (with names) and data. */
export function analyse(bytes) {
  let p = 8;
  const leb = () => { let r = 0, s = 0, x; do { x = bytes[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; };
  const str = () => { const n = leb(); const s = bytes.subarray(p, p + n).toString(); p += n; return s; };
  const sections = []; const bodies = []; const names = new Map(); let importedFuncs = 0; let dataBytes = [];
  while (p < bytes.length) {
    const id = bytes[p++]; const size = leb(); const start = p; const end = p + size;
    let name = SECTION[id] ?? `#${id}`;
    if (id === 0) {
      name = `custom:${str()}`;
      if (name === 'custom:name') {
        while (p < end) {
          const sub = bytes[p++]; const subSize = leb(); const subEnd = p + subSize;
          if (sub === 1) { const n = leb(); for (let i = 0; i < n; i++) { const idx = leb(); names.set(idx, str()); } }
          p = subEnd;
        }
      }
    } else if (id === 2) {
      const n = leb();
      for (let i = 0; i < n; i++) {
        str(); str(); const kind = bytes[p++];
        if (kind === 0) { leb(); importedFuncs++; } else if (kind === 1) { p++; const f = bytes[p++]; leb(); if (f & 1) leb(); }
        else if (kind === 2) { const f = bytes[p++]; leb(); if (f & 1) leb(); } else if (kind === 3) { p += 2; }
        else if (kind === 4) { p++; leb(); }
      }
    } else if (id === 10) {
      const n = leb();
      for (let i = 0; i < n; i++) { const sz = leb(); bodies.push({ index: importedFuncs + i, size: sz + 1 }); p += sz; }
    } else if (id === 11) {
      dataBytes.push(bytes.subarray(start, end));
    }
    sections.push({ name, size: end - start });
    p = end;
  }
  for (const b of bodies) b.name = names.get(b.index) ?? `func[${b.index}]`;
  return { sections, bodies, data: Buffer.concat(dataBytes), hasNames: names.size > 0 };
}

/** "core::fmt::Formatter::pad" → "core"; "<leptos::x as y>::z" → "leptos"; closures etc. keep their crate. */
export function crateOf(name) {
  let n = name.replace(/^_ZN/, '').replace(/\[[0-9a-f]+\]/g, '');
  if (n.startsWith('<')) n = n.slice(1);
  n = n.replace(/^[A-Z][A-Za-z0-9_]* as /, ''); // <T as tachys::…> → tachys
  if (/^(char|str|u8|\[|&str|&\[|i\d|u\d|usize|isize|f\d)/.test(n)) return 'core';
  if (n.startsWith('&')) n = n.replace(/^&(mut )?/, '');
  if (n.startsWith('dyn ')) n = n.slice(4);
  const m = /^([A-Za-z_][A-Za-z0-9_]*)::/.exec(n);
  if (m) return m[1];
  if (/^__wbg|^__wbindgen|^wasm_bindgen/.test(n)) return 'wasm_bindgen';
  if (/^(mem|str|__)/.test(n) || /^func\[/.test(n)) return '(compiler/anonymous)';
  return '(other)';
}

export function report(bytes, top = 25) {
  const a = analyse(bytes);
  const code = a.bodies.reduce((s, b) => s + b.size, 0);
  const byCrate = new Map();
  for (const b of a.bodies) {
    const c = crateOf(b.name);
    const e = byCrate.get(c) ?? { crate: c, bytes: 0, functions: 0 };
    e.bytes += b.size; e.functions++; byCrate.set(c, e);
  }
  // Data strings that look like text, longest first: usually panic locations, serde field names, format pieces.
  return {
    total: bytes.length,
    hasNames: a.hasNames,
    sections: a.sections,
    code,
    data: { bytes: a.data.length, gzip: gz(a.data) },
    crates: [...byCrate.values()].sort((x, y) => y.bytes - x.bytes),
    functions: [...a.bodies].sort((x, y) => y.size - x.size).slice(0, top).map(({ name, size }) => ({ name, size })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 25;
  const r = report(readFileSync(file), top);
  if (process.argv.includes('--json')) { console.log(JSON.stringify(r, null, 2)); process.exit(0); }
  console.log(`${file}: ${r.total} bytes, code ${r.code}, data ${r.data.bytes} (gzip ${r.data.gzip})`);
  for (const s of r.sections) console.log(`  section ${s.name.padEnd(28)} ${String(s.size).padStart(8)}`);
  console.log('code bytes by crate:');
  for (const c of r.crates.slice(0, top)) {
    console.log(`  ${c.crate.padEnd(28)} ${String(c.bytes).padStart(8)}  ${(100 * c.bytes / r.code).toFixed(1).padStart(5)} %  ${c.functions} fns`);
  }
  console.log(`largest functions:`);
  for (const f of r.functions) console.log(`  ${String(f.size).padStart(7)}  ${f.name.slice(0, 150)}`);
}
