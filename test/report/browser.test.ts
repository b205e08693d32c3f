/**
 * The HTML report in a real browser (chromium through playwright-core): lab 1's report from a
 * fresh run loads without console errors or network requests, has every section, table and
 * figure, and a packet row opens into its details; hostile text stays text. Needs root (the
 * lab's namespaces) and chromium; skipped with the reason otherwise.
 * `WIRELAB_UPDATE_SCREENSHOT=1` writes the first screen to docs/report-html.png.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunRecord } from '../../src/generated/run-record.js';
import { silentReporter } from '../../src/interpreter/reporter.js';
import { runScenario } from '../../src/interpreter/run-scenario.js';
import { buildModel } from '../../src/report/model.js';
import { writeReport } from '../../src/report/render.js';
import { loadScenario } from '../../src/scenario/load.js';
import { chromiumArgs, chromiumPath, describeChromium } from '../helpers/chromium.js';
import { rootSkipReason } from '../helpers/root.js';
import { HOSTILE, hostileRecord } from './records.js';

const INJECT = `</script><script>window.pwned=1</script>" onmouseover="window.pwned=2' <img src=x onerror="window.pwned=3">`;

describeChromium('HTML report in chromium', () => {
  let browser: Browser;
  let dir: string;
  /** What went wrong while pages were open: console errors, page errors, requests, dialogs. */
  const trouble: string[] = [];

  async function open(file: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => void (m.type() === 'error' && trouble.push(`console: ${m.text()}`)));
    page.on('pageerror', (e) => trouble.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      trouble.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    // every request but the report itself is a fetch the self-contained file must not make
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === `file://${file}`) return route.continue();
      trouble.push(`request: ${url}`);
      return route.abort();
    });
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    return page;
  }

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, timeout: 60_000 });
    dir = await mkdtemp(join(tmpdir(), 'wirelab-report-browser-'));
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(rootSkipReason)(
    `lab 1's report: no console error, no request, every section and table, a packet row opens${rootSkipReason ? ` [skipped: ${rootSkipReason}]` : ''}`,
    async () => {
      const loaded = await loadScenario('scenarios/lab1.yaml');
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
      const run = join(dir, 'lab1');
      const { record } = await runScenario(loaded.loaded, { out: run, reporter: silentReporter });
      const file = await writeReport({ runDir: run, format: 'html' });
      const page = await open(file);
      const model = buildModel(record);
      const count = (sel: string) => page.locator(sel).count();
      const all = (ss: typeof model.sections): typeof model.sections => ss.flatMap((s) => [s, ...all(s.children)]);
      expect(await count('section.step')).toBe(all(model.sections).length);
      expect(await count('figure.packets')).toBe(model.figures.length);
      expect(await count('figure.listing')).toBe(model.listings.length);
      // the tables the model numbers, plus the topology, every checks table and the summary
      expect(await count('table caption')).toBe(model.tables.length);
      // one row an interface (MTU, link), and a firewall's rules in nftables' order
      expect(await page.locator('#topology table.interfaces tbody tr').count()).toBe(model.topologyTable!.length);
      expect(model.topologyTable!.length).toBeGreaterThan(record.topology!.hosts.length);
      expect(await page.locator('#topology table.firewalls tbody tr').count()).toBe(model.firewalls!.length);
      await expect(page.locator('#topology table.firewalls').textContent()).resolves.toContain('policy drop');
      expect(await page.locator('#checks-summary tbody tr').count()).toBe(model.summary.rows.length);
      for (const f of model.figures)
        await expect(page.locator(`#fig\\:${f.number} > figcaption`).textContent()).resolves.toContain(f.caption);
      // tcpdump's closing counters under every capture
      expect(await count('pre.counters')).toBe(model.figures.length);
      // the first screen people see
      if (process.env.WIRELAB_UPDATE_SCREENSHOT === '1') await page.screenshot({ path: resolve('docs/report-html.png') });

      // a packet row opens into its layers and bytes (no JavaScript needed: <details>)
      const echo = page.locator('figure[data-capture="echo-session"]');
      const row = echo.locator('details.pkt').nth(3);
      await expect(row.locator('.pkt-details').isVisible()).resolves.toBe(false);
      await row.locator('summary.pkt-row').click();
      await expect(row.locator('.pkt-details').isVisible()).resolves.toBe(true);
      await expect(row.locator('.layer > summary').allTextContents()).resolves.toEqual([
        expect.stringMatching(/^Frame 4: \d+ bytes on wire/),
        expect.stringMatching(/^Ethernet II, Src: /),
        'Internet Protocol Version 4, Src: 203.0.113.10, Dst: 198.51.100.55',
        expect.stringMatching(/^Transmission Control Protocol, Src Port: 50007, Dst Port: \d+, Seq: 1, Ack: 1, Len: 37$/),
        'Data (37 bytes)',
      ]);
      await expect(row.locator('pre.hex').textContent()).resolves.toMatch(/Welcome to COM/);
      // the filter (JavaScript) narrows the list
      const packets = await echo.locator('.pkt').count();
      await echo.locator('.tools input').fill('[SYN');
      await expect(echo.locator('.tools .shown').textContent()).resolves.toBe(`2 of ${packets} packets`);
      expect(await echo.locator('.pkt:visible').count()).toBe(2);
      expect(trouble).toEqual([]);
    },
    180_000,
  );

  it('hostile text stays text: no script runs, no element or attribute comes from the data', async () => {
    const run = join(dir, 'hostile');
    const r: RunRecord = hostileRecord(200);
    r.scenario.title = `${INJECT} ${HOSTILE.slice(0, 40)}`;
    r.steps[1].capture!.packets[0].info = INJECT;
    await mkdir(run, { recursive: true });
    await writeFile(join(run, 'run.json'), JSON.stringify(r));
    const page = await open(await writeReport({ runDir: run, format: 'html', instructor: true }));
    expect(await page.locator('h1').textContent()).toBe(r.scenario.title);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('img, [onmouseover], [onerror]').count()).toBe(0);
    expect(await page.locator('.pkt .info').first().textContent()).toBe(INJECT);
    expect(trouble).toEqual([]);
  }, 60_000);
});
