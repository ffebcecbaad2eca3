// End-to-end: the site under a strict Content-Security-Policy, sent the
// way a host sends it from the site's own `_headers` file and set again in
// every page's <meta>; any violation report fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEME, SITE, T, launch, listItems, openPage, pagesServer, schemePath, settled } from './harness.mjs';

const SLUG = 'ai20240526';
const DIGEST = schemePath('digest_url', { slug: SLUG });
let browser, host, items;

/** Records every CSP violation the page reports, in `window.__violations`. */
async function watchViolations(page) {
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
}

before(async () => {
  items = listItems().filter((i) => i.digest === SLUG);
  browser = await launch();
  host = await pagesServer(SITE, { headers: true });
});

after(async () => {
  await browser?.close();
  host?.close();
});

test('_headers and every page set the same strict policy: own files, wasm, hashed inline script', async () => {
  const headers = readFileSync(join(SITE, SCHEME.headers), 'utf8');
  const policy = /Content-Security-Policy: (.*)/.exec(headers)?.[1];
  assert.match(policy, /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/]{43}=')+; img-src 'self' https:$/);
  const response = await fetch(`${host.base}${DIGEST}`);
  assert.equal(response.headers.get('content-security-policy'), policy);
  const html = await response.text();
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1].replaceAll('&#39;', "'");
  assert.equal(meta, policy);
  // The policy comes before any script, so it governs them all.
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<script'));
});

test('the main paths run under the policy without one violation', async () => {
  const { page, done } = await openPage(browser);
  await watchViolations(page);
  await page.goto(`${host.base}/`);
  await settled(page);
  await page.locator('.facet .chip', { hasText: '#AI资讯' }).first().click();
  await page.locator('.facet .chip.active').waitFor();
  await page.locator('.digest-card h2 a').first().click();
  await page.waitForURL(`${host.base}${DIGEST}`);
  await page.locator('.item h2 a').nth(2).click();
  await page.locator('h1', { hasText: items[2].title }).waitFor();
  const box = page.getByTestId('site-search');
  await box.fill('英伟达');
  await box.press('Enter');
  await page.locator('.result').first().waitFor();
  await page.goto(`${host.base}/no/such/page/`);
  await page.getByTestId('not-found').waitFor();
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.equal(await page.evaluate(() => document.title), `${T.not_found_title} · tidings`);

  // The policy is enforced, not only declared: a script the page did not
  // ship is refused and reported.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.head.append(s);
  });
  assert.equal(await page.evaluate(() => window.__injected), undefined);
  // (Reported once per policy: the header's and the meta's.)
  await page.waitForFunction(() => window.__violations.length > 0);
  for (const v of await page.evaluate(() => window.__violations)) assert.match(v, /^script-src-elem blocked inline/);
  await done({ allow: [/Content Security Policy/, /status of 404/] });
});
