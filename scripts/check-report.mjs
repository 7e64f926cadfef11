#!/usr/bin/env node
/**
 * Renders a report's index.html in headless Chromium and checks that it displays: every table is in the
 * DOM and fits its column without scrolling sideways, every figure holds an SVG with a non-zero size, the
 * page logs no console error, and it asks for
 * nothing over the network (the report must be self-contained). Writes a full-page PNG screenshot.
 *
 *   node scripts/check-report.mjs <index.html> [--screenshot <out.png>] [--expect-tables <n>]
 *        [--expect-figures <n>] [--chromium <path>] [--width <px>]
 *
 * Prints one JSON object with the measurements and the failed checks; exit code 0 when all checks pass,
 * 1 when one fails, 2 when the check could not run (bad arguments, no browser).
 *
 * Chromium is Debian's /usr/bin/chromium (apt-get install -y chromium), driven through playwright-core,
 * which ships no browser of its own. Every run uses a fresh profile folder, removed afterwards.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function usage(message) {
  process.stderr.write(
    `check-report: ${message}\n` +
      'usage: node scripts/check-report.mjs <index.html> [--screenshot <out.png>] [--expect-tables <n>] ' +
      '[--expect-figures <n>] [--chromium <path>] [--width <px>]\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const options = { html: null, screenshot: null, expectTables: null, expectFigures: null, chromium: '/usr/bin/chromium', width: 1280 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      return argv[++i];
    };
    const count = (name) => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) usage(`${name} expects a whole number, found "${argv[i]}"`);
      return n;
    };
    if (arg === '--screenshot') options.screenshot = value();
    else if (arg === '--expect-tables') options.expectTables = count(arg);
    else if (arg === '--expect-figures') options.expectFigures = count(arg);
    else if (arg === '--chromium') options.chromium = value();
    else if (arg === '--width') options.width = count(arg);
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else if (options.html === null) options.html = arg;
    else usage(`one index.html expected, found a second path "${arg}"`);
  }
  if (options.html === null) usage('the path of the report\'s index.html is missing');
  options.html = resolve(options.html);
  if (!existsSync(options.html)) usage(`${options.html} does not exist; render the report first`);
  if (!existsSync(options.chromium)) {
    usage(`no Chromium at ${options.chromium}; install it (apt-get update && apt-get install -y chromium) or pass --chromium <path>`);
  }
  options.screenshot = resolve(options.screenshot ?? join(dirname(options.html), 'index.png'));
  return options;
}

/** Counts of opening tags in the source, the parser-independent expectation for the DOM counts. */
function countTags(source, name) {
  return (source.match(new RegExp(`<${name}[\\s>]`, 'g')) ?? []).length;
}

async function check(options) {
  const source = await readFile(options.html, 'utf8');
  const pageUrl = pathToFileURL(options.html).href;
  const profile = await mkdtemp(join(tmpdir(), 'grokpipe-chromium-'));
  const consoleErrors = [];
  const foreignRequests = [];
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: options.chromium,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: options.width, height: 900 },
      deviceScaleFactor: 1,
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url === pageUrl || url.startsWith('data:')) return route.continue();
      foreignRequests.push(url);
      return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    await page.goto(pageUrl, { waitUntil: 'load' });

    const measured = await page.evaluate(() => {
      const box = (el) => {
        const r = el.getBoundingClientRect();
        return { width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10 };
      };
      const figures = [...document.querySelectorAll('figure')].map((figure) => {
        const svgs = figure.querySelectorAll('svg');
        const svg = svgs[0];
        const texts = svg ? [...svg.querySelectorAll('text')].filter((t) => t.getBBox().width > 0).length : 0;
        return { id: figure.id, svgCount: svgs.length, ...(svg ? box(svg) : { width: 0, height: 0 }), visibleTexts: texts };
      });
      const tables = [...document.querySelectorAll('table')].map((table) => {
        // A table wider than the box it sits in scrolls sideways there: its last columns are hidden.
        const holder = table.parentElement;
        return { id: table.id, rows: table.rows.length, ...box(table), room: holder ? holder.clientWidth : 0, needs: holder ? holder.scrollWidth : 0 };
      });
      return {
        title: document.title,
        tables,
        figures,
        svgTotal: document.querySelectorAll('svg').length,
        pageWidth: document.documentElement.scrollWidth,
        pageHeight: document.documentElement.scrollHeight,
        viewportWidth: window.innerWidth,
      };
    });
    await page.screenshot({ path: options.screenshot, fullPage: true });

    const failures = [];
    const sourceTables = countTags(source, 'table');
    const sourceSvgs = countTags(source, 'svg');
    const sourceFigures = countTags(source, 'figure');
    if (measured.tables.length !== sourceTables) failures.push(`the source has ${sourceTables} <table> but the page shows ${measured.tables.length}`);
    if (measured.svgTotal !== sourceSvgs) failures.push(`the source has ${sourceSvgs} <svg> but the page shows ${measured.svgTotal}`);
    if (measured.figures.length !== sourceFigures) failures.push(`the source has ${sourceFigures} <figure> but the page shows ${measured.figures.length}`);
    if (options.expectTables !== null && measured.tables.length !== options.expectTables) {
      failures.push(`expected ${options.expectTables} tables, found ${measured.tables.length}`);
    }
    if (options.expectFigures !== null && measured.figures.length !== options.expectFigures) {
      failures.push(`expected ${options.expectFigures} figures, found ${measured.figures.length}`);
    }
    for (const t of measured.tables) {
      if (!(t.width > 0 && t.height > 0)) failures.push(`table ${t.id || '(no id)'} has size ${t.width} x ${t.height}`);
      if (t.needs > t.room) failures.push(`table ${t.id || '(no id)'} needs ${t.needs}px in a ${t.room}px column (it scrolls sideways, hiding its last columns)`);
    }
    for (const f of measured.figures) {
      if (f.svgCount !== 1) failures.push(`figure ${f.id || '(no id)'} holds ${f.svgCount} <svg>, expected 1`);
      if (!(f.width > 0 && f.height > 0)) failures.push(`figure ${f.id || '(no id)'} draws its SVG at ${f.width} x ${f.height}`);
      if (f.visibleTexts === 0) failures.push(`figure ${f.id || '(no id)'} shows no text (title, ticks, labels missing?)`);
    }
    if (measured.pageWidth > measured.viewportWidth) {
      failures.push(`the page is ${measured.pageWidth}px wide in a ${measured.viewportWidth}px window (it scrolls sideways)`);
    }
    for (const e of consoleErrors) failures.push(`console error: ${e}`);
    for (const url of foreignRequests) failures.push(`the page requested ${url}; a report must be self-contained`);

    return {
      ok: failures.length === 0,
      html: options.html,
      screenshot: options.screenshot,
      chromium: context.browser()?.version() ?? null,
      title: measured.title,
      tables: measured.tables.length,
      figures: measured.figures.length,
      svgs: measured.svgTotal,
      page: { width: measured.pageWidth, height: measured.pageHeight },
      figureSizes: measured.figures.map((f) => ({ id: f.id, width: f.width, height: f.height })),
      consoleErrors,
      foreignRequests,
      failures,
    };
  } finally {
    if (context) await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

const options = parseArgs(process.argv.slice(2));
try {
  const result = await check(options);
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.exit(result.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`check-report: Chromium could not render ${options.html}: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(2);
}
