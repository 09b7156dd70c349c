// Opens each page that `cargo xtask docs` rendered (target/docs/) in headless Chromium (Debian's, driven
// over CDP by the pinned playwright-core) and checks that every operation of its spec is on the page:
//  - the sidebar lists it: a link `#/<tag>/<operationid>` whose label is the operation's summary;
//  - following that link renders its section in the middle panel, headed by the summary;
//  - the page raised no script error and asked nothing of the network (every non-file request is refused).
// The operations come from target/docs/manifest.json, which xtask derives from the spec itself.
// Usage: node check-docs.mjs <docs dir> [chromium binary]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const docsDir = path.resolve(process.argv[2] ?? 'target/docs');
const executablePath = process.argv[3] ?? '/usr/bin/chromium';
const manifest = JSON.parse(fs.readFileSync(path.join(docsDir, 'manifest.json'), 'utf8'));
if (!Array.isArray(manifest.pages) || manifest.pages.length === 0) {
  console.error('check-docs: the manifest lists no pages');
  process.exit(1);
}

// The flags of /work/.library/env/machines/rust.md; the background-networking ones keep Chromium from
// calling home on this closed network. The profile is a new empty directory.
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-docs-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
  ],
});
context.setDefaultTimeout(15_000);

const normalize = (text) => text.replace(/\s+/g, ' ').trim();
let failures = 0;
try {
  for (const entry of manifest.pages) {
    const problems = [];
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
    const external = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    const file = path.join(docsDir, entry.page);
    await page.goto(pathToFileURL(file).href);
    // Hydrated: the sidebar's groups are links the app handles (one per tag).
    const groups = page.locator('.menu-content .menu-item-type-group');
    const groupCount = await groups.count();
    if (groupCount === 0) problems.push('no sidebar groups: the page did not render');
    // Expanding a group shows its operations as `#/<tag>/<operationid>` links below its label (another group may
    // collapse meanwhile, so the links are collected after each expansion).
    const links = new Map();
    for (let i = 0; i < groupCount; i += 1) {
      const group = groups.nth(i);
      await group.locator(':scope > a').click();
      try {
        await group.locator('a[href^="#/"]').first().waitFor({ state: 'attached', timeout: 5_000 });
      } catch {
        problems.push(`sidebar group "${normalize(await group.locator(':scope > a').innerText())}" shows no operations`);
      }
      const shown = await page.evaluate(() => [...document.querySelectorAll('.menu-content a[href^="#/"]')]
        .map((a) => [a.getAttribute('href') ?? '', a.textContent ?? '']));
      for (const [href, text] of shown) links.set(href, normalize(text));
    }
    let rendered = 0;
    for (const op of entry.operations) {
      const want = `/${op.operationId.toLowerCase()}`;
      const found = [...links].find(([href]) => href.endsWith(want));
      if (!found) {
        problems.push(`${op.operationId}: not in the sidebar`);
        continue;
      }
      const [href, label] = found;
      if (!label.startsWith(normalize(op.summary))) {
        problems.push(`${op.operationId}: sidebar label "${label}", expected the summary "${op.summary}"`);
      }
      await page.evaluate((hash) => { window.location.hash = hash; }, href);
      const section = page.locator(`[data-section-id="${href.slice(1)}"]`);
      try {
        await section.locator('h2', { hasText: op.summary }).first().waitFor({ state: 'visible' });
        rendered += 1;
      } catch {
        problems.push(`${op.operationId}: following ${href} did not render a section headed "${op.summary}"`);
      }
    }
    if (external.length > 0) problems.push(`asked the network for ${[...new Set(external)].join(', ')}`);
    // Redoc's "API docs by Redocly" logo is the one remote asset of the page; it is refused above and only
    // its image is missing, so it is not a failure. Anything else is.
    const unexpected = problems.filter((p) => !/^asked the network for https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini[\w.-]*\.svg$/.test(p));
    const verdict = unexpected.length === 0 ? 'ok' : 'FAILED';
    console.log(`docs ${entry.provider}: ${entry.page}: ${rendered}/${entry.operations.length} operations rendered `
      + `(${links.size} in the sidebar): ${verdict}`);
    for (const problem of problems) console.log(`  ${unexpected.includes(problem) ? 'error' : 'note'}: ${problem}`);
    if (unexpected.length > 0 || rendered !== entry.operations.length) failures += 1;
    await page.close();
  }
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);
