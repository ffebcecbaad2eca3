// End-to-end: the site under a strict Content-Security-Policy, sent the
// way a host sends it from the site's own `_headers` file and set again in
// every page's <meta>; any violation report fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASE_PATH, SCHEME, SITE, T, buildInto, launch, listItems, openPage, pagesServer, schemePath, settled, syntheticSite,
} from './harness.mjs';

const SLUG = 'ai20240526';
const DIGEST = schemePath('digest_url', { slug: SLUG });
const STARRED = schemePath('starred_url', {});
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

const AXE = readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

/** axe-core's serious and critical findings on the page as it is now. */
async function audit(page) {
  // Through the driver, not a <script>: the page's own policy refuses those.
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const scheme of ['light', 'dark']) {
  test(`axe-core finds nothing serious on the list, a tag, a digest and its keys' help, an item, all items, the starred view (and offline), search results and not-found (${scheme})`, async () => {
    const { page, done } = await openPage(browser, { colorScheme: scheme });
    const found = {};
    const visit = async (path, ready) => {
      await page.goto(`${host.base}${path}`);
      await settled(page);
      await ready();
      found[path] = await audit(page);
    };
    await visit('/', () => page.locator('.digest-card').first().waitFor());
    await visit(schemePath('tag_url', { tag: '人工智能' }), () => page.locator('.facet .chip.active').first().waitFor());
    await visit(DIGEST, () => page.locator('.item').first().waitFor());
    // The keys' help over the digest, and an item starred for the starred view.
    await page.keyboard.press('?');
    await page.getByTestId('keys-help').waitFor();
    found[`${DIGEST} with the keys' help open`] = await audit(page);
    await page.keyboard.press('Escape');
    await page.locator('.item .star').first().click();
    await page.locator('.item .star[aria-pressed=true]').first().waitFor();
    await visit(schemePath('item_url', { slug: SLUG, id: items[4].id }), () => page.locator('h1', { hasText: items[4].title }).waitFor());
    await visit(schemePath('items_url', {}), () => page.locator('.item-row').first().waitFor());
    await visit(STARRED, () => page.locator('.starred .digest-card').first().waitFor());
    // The header's badge when the network drops.
    await page.context().setOffline(true);
    await page.getByTestId('offline').waitFor();
    found[`${STARRED} offline`] = await audit(page);
    await page.context().setOffline(false);
    await page.getByTestId('offline').waitFor({ state: 'detached' });
    // Search results: marked terms in titles (links) and snippets.
    await visit(`/?q=${encodeURIComponent('英伟达')}`, () => page.locator('.result h2 mark').first().waitFor());
    await visit('/no/such/page/', () => page.getByTestId('not-found').waitFor());
    assert.deepEqual(found, Object.fromEntries(Object.keys(found).map((k) => [k, []])));
    await done({ allow: [/status of 404/] });
  });
}

// Faults: every file the app reads, broken the ways hosts and networks
// break them. Each gives a message in the page's language and a Retry
// that works once the fault is gone, never a blank page or an uncaught
// error (any page error fails the test; only the failed loads' own
// console lines are allowed).
const STAMP = JSON.parse(readFileSync(join(SITE, SCHEME.manifest), 'utf8')).stamp;
const FILE = {
  manifest: SCHEME.manifest,
  list: schemePath('list_page', { stamp: STAMP, n: 0 }),
  first: schemePath('first_screen', { stamp: STAMP }),
  shard: schemePath('shard', { stamp: STAMP, n: 0 }),
  index: schemePath('index', { stamp: STAMP }),
};
const at = (file) => (path) => path.endsWith(`/${file}`);
const LOAD_FAILED = [/Failed to load resource/, /net::ERR_/];

/** Opens `path` with `file` broken by `fault`; returns the open page once the error shows. */
async function broken(path, file, fault) {
  const opened = await openPage(browser);
  host.fail(at(file), fault);
  await opened.page.goto(`${host.base}${path}`);
  await opened.page.getByTestId('error').waitFor();
  return opened;
}

/** The error shown says `message`; once healed, Retry brings `ready`. */
async function retries(page, message, ready) {
  assert.equal(await page.locator('.error h1').textContent(), T.error_title);
  assert.deepEqual(await page.locator('.error li').allTextContents(), [message]);
  host.heal();
  await page.getByTestId('retry').click();
  await ready();
  assert.equal(await page.getByTestId('error').count(), 0);
}

test('a digest shard answering 404: the message names it, Retry loads the digest once it is back', async () => {
  const { page, done } = await broken(DIGEST, FILE.shard, { status: 404 });
  await retries(page, T.serverRefused(FILE.shard, 404), () => page.locator('.item').first().waitFor());
  assert.equal(await page.locator('.item').count(), 13);
  await done({ allow: LOAD_FAILED });
});

// The first view reads the list's first screen; a filtered view, the
// list pages holding its rows.
for (const [what, path, file] of [
  ['first screen', '/', 'first'],
  ['list page', schemePath('tag_url', { tag: '人工智能' }), 'list'],
]) {
  test(`a truncated ${what} is damaged, not a crash; Retry reads the whole one`, async () => {
    const { page, done } = await broken(path, FILE[file], { body: (b) => b.subarray(0, b.length >> 1) });
    await retries(page, T.damaged(FILE[file]), () => page.locator('.digest-card').first().waitFor());
    await done({ allow: LOAD_FAILED });
  });
}

test('an index whose rows name tags out of range is damaged; Retry reads the good one', async () => {
  const outOfRange = (b) => Buffer.from(JSON.stringify({ ...JSON.parse(b), row_tags: [[0, 1, 999]] }));
  const tag = schemePath('tag_url', { tag: '人工智能' });
  const { page, done } = await broken(tag, FILE.index, { body: outOfRange });
  await retries(page, T.damaged(FILE.index), () => page.locator('.digest-card').first().waitFor());
  await done({ allow: LOAD_FAILED });
});

test('a manifest of another format version says so, in the page language', async () => {
  const otherSchema = (b) => Buffer.from(JSON.stringify({ ...JSON.parse(b), schema: 99 }));
  const { page, done } = await broken(DIGEST, FILE.manifest, { body: otherSchema });
  await retries(page, T.otherVersion(99, SCHEME.schema), () => page.locator('.item').first().waitFor());
  await done({ allow: LOAD_FAILED });
});

test('the network dropping mid-visit: the next page says so, Retry works once it is back', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${host.base}/`);
  await page.locator('.digest-card').first().waitFor();
  host.fail((p) => p.includes('/data/'), { drop: true });
  await page.locator('.digest-card h2 a').first().click();
  await page.getByTestId('error').waitFor();
  await retries(page, T.unreachable(FILE.shard), () => page.locator('.item').first().waitFor());
  await done({ allow: LOAD_FAILED });
});

/** The synthetic `site` built again in place with one more digest, the newest ("Deployed later"). */
function deployAgain(site) {
  const content = join(site, '..', 'content');
  const posts = readdirSync(join(content, 'posts')).sort();
  const newest = readFileSync(join(content, 'posts', posts[posts.length - 1]), 'utf8')
    .replace(/^slug = .*$/m, 'slug = "deployed-later"')
    .replace(/^date = .*$/m, 'date = "2099-01-01"')
    .replace(/^title = .*$/m, 'title = "Deployed later"');
  writeFileSync(join(content, 'posts', 'deployed-later.md'), newest);
  buildInto(site, content);
}

// A site deployed again while a reader has it open: the new build's data
// lives under a new stamp and the old one's files are gone, so the open
// app's next file answers 404.
test('a deploy while the page is open: the next digest opens from the new build, not an error', async () => {
  const site = syntheticSite('redeploy', { count: 30 });
  const server = await pagesServer(site);
  after(() => server.close());
  const { page, done } = await openPage(browser);
  const oldStamp = () => JSON.parse(readFileSync(join(site, SCHEME.manifest), 'utf8')).stamp;
  const before = oldStamp();
  await page.goto(`${server.base}/`);
  await page.locator('.digest-card').first().waitFor();
  // The last card's digest is in a shard this visit has not loaded.
  const last = page.locator('.digest-card h2 a').last();
  const title = await last.textContent();
  await page.evaluate(() => { window.__beforeDeploy = true; });
  deployAgain(site);
  assert.notEqual(oldStamp(), before, 'the deploy made a new build');
  await last.click();
  await page.locator('h1', { hasText: title }).waitFor();
  assert.ok((await page.locator('.item').count()) > 0);
  assert.equal(await page.getByTestId('error').count(), 0);
  // The page loaded itself again, so the app and its data are the new build's.
  assert.equal(await page.evaluate(() => window.__beforeDeploy), undefined);
  assert.match(page.url(), /\/d\/[^/]+\/$/);
  await page.goBack();
  await page.locator('.digest-card h2 a', { hasText: 'Deployed later' }).waitFor();
  await done({ allow: LOAD_FAILED });
});

test('a page kept open offers the new build once the site is built again', async () => {
  const site = syntheticSite('kept-open', { count: 12 });
  const server = await pagesServer(site);
  after(() => server.close());
  const { page, done } = await openPage(browser);
  await page.goto(`${server.base}/`);
  await page.locator('.digest-card').first().waitFor();
  /** The window gets the focus back; resolves once the manifest has been looked at again. */
  const backInWindow = async () => {
    const looked = page.waitForResponse((r) => r.url().endsWith(`/${SCHEME.manifest}`));
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await (await looked).finished();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  };
  await backInWindow();
  assert.equal(await page.getByTestId('updated').count(), 0, 'nothing offered while nothing changed');
  deployAgain(site);
  await page.evaluate(() => { window.__beforeDeploy = true; });
  await backInWindow();
  assert.equal(await page.getByTestId('updated').textContent(), T.updated);
  await page.getByTestId('updated').click();
  await page.waitForFunction(() => window.__beforeDeploy === undefined);
  await page.locator('.digest-card h2 a').first().filter({ hasText: 'Deployed later' }).waitFor();
  await done();
});

test('a deploy of a newer format while the page is open: the page loads itself again once, then says so', async () => {
  const otherSchema = (b) => Buffer.from(JSON.stringify({ ...JSON.parse(b), schema: 99 }));
  const { page, done } = await openPage(browser);
  await page.goto(`${host.base}/`);
  await page.locator('.digest-card').first().waitFor();
  await page.evaluate(() => { window.__beforeDeploy = true; });
  // The old build's shard is gone; the manifest is a newer tidings' build.
  host.fail(at(FILE.shard), { status: 404 });
  host.fail(at(FILE.manifest), { body: otherSchema });
  await page.locator('.digest-card h2 a').first().click();
  await page.getByTestId('error').waitFor();
  assert.equal(await page.evaluate(() => window.__beforeDeploy), undefined, 'the page loaded itself again');
  await retries(page, T.otherVersion(99, SCHEME.schema), () => page.locator('.item').first().waitFor());
  await done({ allow: LOAD_FAILED });
});

test('a host whose manifest names a build it does not serve: the error, not a page reloading without end', async () => {
  const elsewhere = (b) => Buffer.from(JSON.stringify({ ...JSON.parse(b), stamp: '0000000000' }));
  const { page, done } = await openPage(browser);
  await page.goto(`${host.base}/`);
  await page.locator('.digest-card').first().waitFor();
  // This tab has already loaded itself again for that build once.
  await page.evaluate(() => {
    window.__beforeDeploy = true;
    sessionStorage.setItem('tidings-reloaded-for', '0000000000');
  });
  host.fail(at(FILE.shard), { status: 404 });
  host.fail(at(FILE.manifest), { body: elsewhere });
  await page.locator('.digest-card h2 a').first().click();
  await page.getByTestId('error').waitFor();
  assert.equal(await page.evaluate(() => window.__beforeDeploy), true, 'the page stayed');
  await retries(page, T.serverRefused(FILE.shard, 404), () => page.locator('.item').first().waitFor());
  await done({ allow: LOAD_FAILED });
});

test('a server answering every request after 3 s: never a blank frame, a loading bar, then the page', async () => {
  const { page, done } = await openPage(browser);
  host.fail(() => true, { delay: 3000 });
  try {
    // The first request is the page itself: sample what shows from then on.
    const blank = [];
    const sampler = setInterval(async () => {
      // Once the page's own document has arrived (not the blank one before it).
      const text = await page.evaluate(() => (location.protocol === 'http:' && document.body
        ? document.body.innerText.trim().length : -1)).catch(() => null);
      if (text === 0) blank.push(Date.now());
    }, 250);
    await page.goto(`${host.base}/`, { timeout: 60000 });
    await page.locator('.digest-card').first().waitFor({ timeout: 60000 });
    // The app has taken over; a link now fetches the digest, slowly.
    await page.locator('.digest-card h2 a').first().click();
    await page.getByTestId('busy').waitFor({ timeout: 5000 });
    assert.equal(await page.locator('main').getAttribute('aria-busy'), 'true');
    await page.locator('.item').first().waitFor({ timeout: 60000 });
    clearInterval(sampler);
    assert.deepEqual(blank, [], 'frames with nothing on the page');
    assert.equal(await page.getByTestId('busy').count(), 0);
  } finally {
    host.heal();
  }
  await done();
});

test('every control on the list, a digest and the starred view is reached by Tab and shows a focus ring', async () => {
  const { page, done } = await openPage(browser);
  for (const path of ['/', DIGEST, STARRED]) {
    await page.goto(`${host.base}${path}`);
    await settled(page);
    await page.locator(path === DIGEST ? '.item' : '.digest-card').first().waitFor();
    const seen = new Set();
    const unringed = [];
    // Once round the page: until focus leaves the last control.
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const kind = el.tagName === 'INPUT' ? `input[${el.type}]` : el.tagName.toLowerCase();
        const name = `${kind} ${el.getAttribute('data-testid') ?? el.getAttribute('href') ?? el.textContent.trim().slice(0, 30)}`;
        // A control hidden inside its label (the starred view's file input)
        // shows its ring and its size on the label.
        const hidden = el.classList.contains('visually-hidden');
        const shown = hidden ? el.closest('label') : el;
        if (!shown) return { name, ring: false, visible: false };
        const style = getComputedStyle(shown);
        const box = shown.getBoundingClientRect();
        const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
        return { name, ring, visible: box.width > 1 && box.height > 1 };
      });
      if (!focused) {
        if (seen.size > 0) break;
        continue;
      }
      seen.add(focused.name);
      if (!focused.ring || !focused.visible) unringed.push(focused.name);
    }
    assert.deepEqual(unringed, [], `${path}: focused without a visible ring`);
    // Tab reaches the controls a reader needs, not just the header.
    const wanted = {
      '/': [/^input\[search\] /, /^input\[date\] from$/, /^a \/\?tag=/, /^a \/d\/[^/]+\/$/, /^a \/tags\//],
      [DIGEST]: [/^input\[search\] site-search$/, /^button /, /^a \/d\/[^/]+\/[^/]+\/$/],
      [STARRED]: [/^a export$/, /^input\[file\] import$/, /^button /, /^a \/d\/[^/]+\/[^/]+\/$/],
    }[path];
    for (const re of wanted) {
      assert.ok([...seen].some((n) => re.test(n.replace(BASE_PATH, '/'))), `${path}: Tab never reaches ${re} (${[...seen].join(', ')})`);
    }
    if (path === DIGEST) {
      // Something starred, so the starred view has rows with their buttons.
      await page.locator('.item .star').first().click();
      await page.locator('.item .star[aria-pressed=true]').first().waitFor();
    }
  }
  await done();
});
