// End-to-end: what `make serve` does when a digest is saved. `tidings
// build --watch --reload` rebuilds the site beside a static server, and the
// open page, built with --reload, reloads itself once the manifest changes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BIN, baseUrlArgs, closeWith, contentSite, launch, openPage, pythonServer, schemePath, settled,
} from './harness.mjs';

const SLUG = 'ai20240526';
const SEED = new URL('../../content', import.meta.url).pathname;
let browser, watcher;

after(async () => {
  watcher?.kill();
  await browser?.close();
});

test('a saved digest shows in the open page without a manual reload', async () => {
  const content = new URL('../../target/e2e-sites/watched/content', import.meta.url).pathname;
  rmSync(content, { recursive: true, force: true });
  cpSync(SEED, content, { recursive: true });
  const site = contentSite('watched', content);
  watcher = spawn(BIN, ['build', '--watch', '--reload', '--quiet', '--content', content, '--out', site,
    '--shell', join(site, 'index.html'), ...baseUrlArgs()], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  watcher.stderr.on('data', (chunk) => { stderr += chunk; });
  // The watcher's first build marks the pages as reloading.
  const marked = () => readFileSync(join(site, 'index.html'), 'utf8').includes('&quot;reload&quot;:true');
  for (let i = 0; i < 100 && !marked(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(marked(), `the watcher's first build has --reload: ${stderr}`);

  browser = await launch();
  const server = await pythonServer(site);
  const { page, done } = await openPage(browser);
  await page.goto(`${server.base}${schemePath('digest_url', { slug: SLUG })}`);
  await settled(page);
  await page.evaluate(() => { window.__before = true; });

  const file = join(content, 'posts', `${SLUG}.md`);
  const text = readFileSync(file, 'utf8');
  const title = 'A title saved while the page was open';
  const edited = text.replace(/^title\s*=\s*".*"$/m, `title = "${title}"`);
  assert.notEqual(edited, text, 'the seed has a TOML title line');
  const saved = Date.now();
  writeFileSync(file, edited);
  await page.locator('article.digest h1', { hasText: title }).waitFor({ timeout: 10000 });
  const took = Date.now() - saved;
  assert.equal(await page.evaluate(() => window.__before), undefined, 'the page reloaded');
  console.log(`saved -> shown in the open page: ${took} ms`);
  assert.equal(stderr.match(/error/g), null, stderr);
  await done();
  await closeWith(page, server);
});
