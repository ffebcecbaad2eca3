// What the benchmarks share: brotli sizes of files, walking a built site,
// percentiles.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

/** Brotli size of `bytes` at `quality` (11, as hosts precompress). */
export function brotli(bytes, quality = 11) {
  return brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length;
}

const brCache = new Map();
/** Brotli size of a file (0 if it is missing), computed once. */
export function brotliFile(file) {
  if (!brCache.has(file)) brCache.set(file, existsSync(file) ? brotli(readFileSync(file)) : 0);
  return brCache.get(file);
}

/** Every file under `dir`. */
export function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** A run that timed out (NaN) counts as slower than any other, not as absent. */
export function quantile(xs, q) {
  const s = xs.map((x) => (Number.isFinite(x) ? x : Infinity)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}
