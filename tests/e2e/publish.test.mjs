// End-to-end: the site as the web sees it. Pages that read with JavaScript
// off, one copy of the content once the app has taken over, the interface
// language switch, link-preview meta tags of every page kind, and feeds
// parsed by a maintained feed parser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASE_PATH, LANG, SCHEME, T, contentSite, countIn, fill, href, launch, listItems, openPage, pythonServer, schemePath,
  syntheticSite,
} from './harness.mjs';

const SLUG = 'ai20240526';
const DIGEST = schemePath('digest_url', { slug: SLUG });
const TAG = schemePath('tag_url', { tag: '人工智能' });
const CONTENT = new URL('../../content', import.meta.url).pathname;
const TOOLS = new URL('../../.tools/py', import.meta.url).pathname;
let browser, plain, items, published;

before(async () => {
  items = listItems().filter((i) => i.digest === SLUG);
  browser = await launch();
  plain = await pythonServer();
  // The seed published at an address with a path, as a project site is.
  published = contentSite('published', CONTENT, { baseUrl: 'https://example.org/news/' });
});

after(async () => {
  await browser?.close();
  plain?.close();
});

test('with JavaScript off, the home page, a digest and an item read in full', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${plain.base}/`);
  assert.equal(await page.locator('.digest-card').count(), 1);
  assert.match(await page.locator('.digest-card h2').textContent(), /^\[AI资讯·0526\]/);
  await page.goto(`${plain.base}${DIGEST}`);
  assert.equal(await page.locator('.item').count(), 13);
  assert.deepEqual(await page.locator('.item h2').allTextContents(), items.map((i) => i.title));
  const fifth = items[4];
  await page.goto(`${plain.base}${fifth.url}`);
  assert.equal(await page.locator('h1').textContent(), fifth.title);
  assert.ok((await page.locator('.body').textContent()).trim().length > 20, 'the item body is there');
  assert.equal(await page.locator('.source a[target=_blank]').getAttribute('href'), fifth.source);
  // Links between pages work without the app, under the base path.
  assert.equal(await page.locator('.crumbs a').getAttribute('href'), href(DIGEST));
  await context.close();
});

test('once the app takes over, the content shows once, in the chosen language', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${plain.base}${DIGEST}`);
  await page.locator('.item').first().waitFor();
  assert.equal(await page.locator('main').count(), 1);
  assert.equal(await page.locator('.item').count(), 13);
  assert.equal(await page.locator('.app').getAttribute('lang'), LANG);
  assert.equal(await page.locator('article.digest').getAttribute('lang'), 'zh');
  assert.equal(await page.locator('.digest time').textContent(), T.date('2024-05-26'));
  await done();
});

test('no painted frame is without content while the app takes over', async () => {
  const { page, done } = await openPage(browser);
  // Before every frame: is the pre-rendered copy there, and what does the
  // visible app show?
  await page.addInitScript(() => {
    window.__frames = [];
    const look = () => {
      const pre = document.getElementById('prerender');
      const app = document.querySelector('.app');
      const visible = app && getComputedStyle(app).display !== 'none';
      window.__frames.push({
        pre: !!pre,
        app: visible ? (app.querySelector('main')?.textContent.length ?? 0) : -1,
        loading: visible && !!app.querySelector('.loading'),
      });
      // Keep looking until five frames after the take-over.
      window.__seen = window.__seen || !!pre;
      if (!pre && window.__seen) window.__after = (window.__after || 0) + 1;
      if (!window.__seen || pre || window.__after < 5) requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  for (const path of [DIGEST, items[4].url, '/']) {
    await page.goto(`${plain.base}${path}`);
    await page.waitForFunction(() => window.__after >= 5);
    const frames = await page.evaluate(() => window.__frames);
    // Frames before the pre-rendered copy is parsed are the browser's own
    // blank start (before first paint), not the take-over.
    const first = frames.findIndex((f) => f.pre);
    assert.ok(first >= 0, `${path}: the pre-rendered copy painted first`);
    assert.ok(
      frames.slice(0, first).every((f) => f.app === -1),
      `${path}: the app showed before the pre-rendered copy: ${JSON.stringify(frames)}`,
    );
    for (const f of frames.slice(first)) {
      assert.ok(f.pre ? f.app === -1 : f.app > 0 && !f.loading, `${path}: ${JSON.stringify(frames)}`);
    }
  }
  await done();
});

test('the page stays where the pre-rendered copy put it when the app takes over', async () => {
  // Enough digests for a pager and a facet with more terms than it shows.
  const site = syntheticSite('take-over', { count: 45 });
  const local = await pythonServer(site);
  // Where the heading, the count, the first card's (or item's) heading and
  // the pager are.
  const where = (page) => page.evaluate(() => ['main h1', '.summary-line', '.digest-card h2, .item-row h2, .item h2', '.pager'].map((sel) => {
    const r = document.querySelector(sel)?.getBoundingClientRect();
    return r ? [sel, ...[r.x, r.y, r.width, r.height].map((n) => Math.round(n * 100) / 100)] : null;
  }));
  try {
    for (const width of [412, 900, 1280]) {
      const viewport = { width, height: 900 };
      // The pre-rendered pages as the browser lays them out, with no app:
      // the home page, the first tag and digest it links to, the items
      // view and the digest's first item.
      const still = await browser.newContext({ javaScriptEnabled: false, viewport });
      const before = await still.newPage();
      const home = `${local.base}/`;
      await before.goto(home);
      const link = async (sel) => new URL(await before.locator(sel).first().getAttribute('href'), before.url()).href;
      const [tag, digest] = [await link('.digest-card .tags a'), await link('.digest-card h2 a')];
      const pre = { [home]: await where(before) };
      assert.ok(pre[home].every(Boolean), `${width} px: the home page has ${JSON.stringify(pre)}`);
      const items = `${local.base}${schemePath('items_url')}`;
      for (const url of [tag, items, digest]) {
        await before.goto(url);
        pre[url] = await where(before);
        assert.ok(pre[url][0] && pre[url][2], `${width} px: ${url} has ${JSON.stringify(pre[url])}`);
      }
      const item = await link('.item h2 a');
      await before.goto(item);
      pre[item] = await where(before);
      assert.ok(pre[item][0], `${width} px: ${item} has ${JSON.stringify(pre[item])}`);
      await still.close();
      // The app in the site's own language (the page's), which is what a
      // reader sees before choosing another.
      const live = await browser.newContext({ viewport });
      const after = await live.newPage();
      for (const url of Object.keys(pre)) {
        await after.goto(url);
        await after.waitForFunction(() => !document.getElementById('prerender') && document.querySelector('.app main h1'));
        assert.deepEqual(await where(after), pre[url], `${width} px, ${url}: the app's page is where the pre-rendered copy was`);
      }
      await live.close();
    }
  } finally {
    local.close();
  }
});

test('the reader switches the interface language, and it is kept', async () => {
  const { page, done } = await openPage(browser);
  await page.goto(`${plain.base}${TAG}`);
  await page.getByTestId('match-count').waitFor();
  const other = LANG === 'zh' ? 'en' : 'zh';
  const theirs = SCHEME.text[other];
  await page.getByTestId(`lang-${other}`).click();
  await page.getByPlaceholder(theirs.search_placeholder).waitFor();
  assert.equal(await page.locator('.app').getAttribute('lang'), other);
  assert.equal(await page.getByTestId(`lang-${other}`).getAttribute('aria-pressed'), 'true');
  await page.reload();
  await page.waitForFunction(() => !document.getElementById('prerender'));
  await page.getByPlaceholder(theirs.search_placeholder).waitFor();
  await done();
});

/** The `<meta>` and `<link>` tags of an HTML page, by property or name / rel. */
function headTags(html) {
  const head = html.slice(0, html.indexOf('</head>'));
  const meta = {};
  for (const m of head.matchAll(/<meta (property|name)="([^"]+)" content="([^"]*)">/g)) {
    (meta[m[2]] ??= []).push(m[3].replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
  }
  const links = [...head.matchAll(/<link rel="(canonical|alternate)"[^>]*href="([^"]+)"/g)].map((m) => [m[1], m[2]]);
  const lang = /<html lang="([^"]+)"/.exec(html)?.[1];
  return { meta, links, lang };
}

test('every page kind carries its link-preview tags with absolute URLs', () => {
  const read = (path) => headTags(readFileSync(join(published, path), 'utf8'));
  const base = 'https://example.org/news/';
  const fifth = items[4];
  const kinds = {
    home: [schemePath('home_url'), 'index.html', 'website'],
    tag: [TAG, schemePath('tag_page', { tag: '人工智能' }), 'website'],
    digest: [DIGEST, schemePath('digest_page', { slug: SLUG }), 'article'],
    item: [fifth.url, schemePath('item_page', { slug: SLUG, id: fifth.id }), 'article'],
  };
  for (const [kind, [url, file, type]] of Object.entries(kinds)) {
    const { meta, links, lang } = read(file);
    const absolute = `${base}${url.replace(/^\//, '')}`;
    assert.equal(lang, 'zh', kind);
    assert.deepEqual(meta['og:url'], [absolute], kind);
    assert.ok(links.some(([rel, h]) => rel === 'canonical' && h === absolute), kind);
    assert.deepEqual(meta['og:type'], [type], kind);
    assert.deepEqual(meta['og:site_name'], ['tidings'], kind);
    assert.deepEqual(meta['og:locale'], ['zh_CN'], kind);
    assert.ok(meta['og:title']?.[0], kind);
    assert.ok(['summary', 'summary_large_image'].includes(meta['twitter:card']?.[0]), kind);
    for (const feed of ['rss', 'atom', 'json_feed']) {
      assert.ok(links.some(([rel, h]) => rel === 'alternate' && h === `/news/${SCHEME[feed]}`), `${kind} ${feed}`);
    }
    const site = JSON.parse(meta[SCHEME.site_meta][0]);
    assert.equal(site.base_path, '/news/', kind);
    if (type === 'article') {
      assert.deepEqual(meta['article:published_time'], ['2024-05-26'], kind);
      assert.deepEqual(meta['article:tag'], ['AI', 'AI资讯', '人工智能'], kind);
    }
    assert.match(meta['og:description']?.[0] ?? '', /\S/, kind);
    assert.deepEqual(meta.description, meta['og:description'], kind);
  }
  assert.equal(read(kinds.item[1]).meta['og:title'][0], `${fifth.title} · tidings`);
  // The seed's settings give no description: the home page and a tag's
  // say how much they hold, as the list's count line does, in the site's
  // language (zh).
  const count = countIn('zh', 1, 13);
  assert.deepEqual(read(kinds.home[1]).meta.description, [count]);
  const labelled = fill(SCHEME.text.zh.labelled, { label: '#人工智能', value: count });
  assert.deepEqual(read(kinds.tag[1]).meta.description, [labelled]);
  assert.equal(labelled, `#人工智能：${count}`);
});

test('the feeds parse with feedparser, with full content and absolute links', () => {
  const script = `
import json, sys, feedparser
out = {}
for name in sys.argv[1:]:
    f = feedparser.parse(name)
    out[name.rsplit('/', 1)[-1]] = {
        'bozo': int(f.bozo), 'error': str(f.get('bozo_exception', '')), 'version': f.version,
        'title': f.feed.get('title'), 'link': f.feed.get('link'),
        'entries': [{'title': e.title, 'link': e.link, 'published': e.get('published_parsed') and list(e.published_parsed)[:3],
                     'content': (e.get('content') or [{'value': e.get('summary', '')}])[0]['value'],
                     'tags': [t.term for t in e.get('tags', [])]} for e in f.entries],
    }
print(json.dumps(out))`;
  // feedparser 6.0 reads RSS and Atom; JSON Feed is checked against its
  // spec in the next test.
  const files = [SCHEME.rss, SCHEME.atom, schemePath('tag_feed', { tag: 'AI' })].map((f) => join(published, f));
  const out = JSON.parse(execFileSync('python3', ['-c', script, ...files], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: TOOLS } }));
  const versions = { 'feed.xml': 'rss20', 'atom.xml': 'atom10' };
  for (const [name, feed] of Object.entries(out)) {
    assert.equal(feed.bozo, 0, `${name}: ${feed.error}`);
    if (versions[name]) assert.equal(feed.version, versions[name], name);
    assert.equal(feed.entries.length, 1, name);
    const [entry] = feed.entries;
    assert.equal(entry.link, 'https://example.org/news/d/ai20240526/', name);
    assert.deepEqual(entry.published, [2024, 5, 26], name);
    assert.match(entry.title, /^\[AI资讯·0526\]/, name);
    // Every item of the digest, with its own absolute link.
    for (const item of items) {
      assert.ok(entry.content.includes(`https://example.org/news${item.url}`), `${name} ${item.id}`);
    }
    assert.ok(!/(src|href)="\/(?!\/)/.test(entry.content), `${name} has no root-relative links`);
  }
  assert.equal(out['feed.xml'].link, 'https://example.org/news/');
});

test('the JSON Feed has what JSON Feed 1.1 requires, with absolute URLs', () => {
  const feed = JSON.parse(readFileSync(join(published, SCHEME.json_feed), 'utf8'));
  assert.equal(feed.version, 'https://jsonfeed.org/version/1.1');
  assert.equal(typeof feed.title, 'string');
  assert.equal(feed.home_page_url, 'https://example.org/news/');
  assert.equal(feed.feed_url, `https://example.org/news/${SCHEME.json_feed}`);
  assert.equal(feed.language, 'zh');
  assert.equal(feed.items.length, 1);
  for (const item of feed.items) {
    assert.equal(typeof item.id, 'string');
    assert.match(item.url, /^https:\/\//);
    assert.ok(typeof item.content_html === 'string' && item.content_html.length > 1000);
    assert.ok(!Number.isNaN(Date.parse(item.date_published)), item.date_published);
    assert.ok(Array.isArray(item.tags) && item.tags.every((t) => typeof t === 'string'));
    assert.ok(!/(src|href)="\/(?!\/)/.test(item.content_html), 'no root-relative links');
  }
});

test('sitemap, robots.txt and cache rules', () => {
  const read = (f) => readFileSync(join(published, f), 'utf8');
  const locs = [...read(SCHEME.sitemap).matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
  assert.ok(locs.includes('https://example.org/news/'));
  assert.ok(locs.includes('https://example.org/news/d/ai20240526/'));
  for (const item of items) assert.ok(locs.includes(`https://example.org/news${item.url}`), item.url);
  assert.match(read(SCHEME.robots), /^Sitemap: https:\/\/example\.org\/news\/sitemap\.xml$/m);
  const headers = read(SCHEME.headers);
  assert.match(headers, /^\/news\/data\/\*\n {2}Cache-Control: public, max-age=31536000, immutable$/m);
  assert.match(headers, /^\/news\/data\/manifest\.json\n {2}Cache-Control: public, max-age=0, must-revalidate$/m);
  // The app's files carry their content's hash in their names: kept for good.
  const app = readdirSync(published).filter((f) => /\.(js|wasm|css)$/.test(f) && f !== 'sw.js');
  assert.ok(app.some((f) => f.endsWith('_bg.wasm')), app.join(' '));
  for (const f of app) {
    assert.ok(headers.includes(`\n/news/${f}\n  Cache-Control: public, max-age=31536000, immutable\n`), f);
  }
});

test('the site under test links its app files under its base path', () => {
  const html = readFileSync(join(plain.root ?? '', 'index.html'), 'utf8');
  for (const m of html.matchAll(/(?:src|href)="(\/[^"]*\.(?:js|wasm|css|svg))"/g)) {
    assert.ok(m[1].startsWith(BASE_PATH), m[1]);
  }
});

test('every integrity attribute matches the file it names (the release hook rewrites them)', () => {
  const root = plain.root ?? '';
  for (const page of ['index.html', join(DIGEST.slice(BASE_PATH.length), 'index.html')]) {
    const html = readFileSync(join(root, page), 'utf8');
    const tags = [...html.matchAll(/<link\b[^>]*\bintegrity="[^"]*"[^>]*>/g)].map((m) => m[0]);
    const named = tags.map((t) => t.match(/href="([^"]*)"/)?.[1] ?? '');
    assert.ok(named.some((f) => f.endsWith('_bg.wasm')) && named.some((f) => f.endsWith('.js')), `${page}: ${named}`);
    for (const [i, tag] of tags.entries()) {
      assert.ok(named[i].startsWith(BASE_PATH), named[i]);
      const want = tag.match(/integrity="sha384-([^"]*)"/)?.[1];
      const bytes = readFileSync(join(root, named[i].slice(BASE_PATH.length)));
      assert.equal(createHash('sha384').update(bytes).digest('base64'), want, `${page}: ${named[i]}`);
    }
  }
});
