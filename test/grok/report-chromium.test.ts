/**
 * Renders the sample report in headless Chromium through scripts/check-report.mjs. Needs Debian's
 * /usr/bin/chromium (apt-get install -y chromium); without it the tests are skipped, and say why.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/grok/report/render.ts';
import { writeReport } from '../../src/grok/report/write.ts';
import { sampleReportModel } from './report-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'check-report.mjs');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) process.stderr.write(`report-chromium tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)\n`);

interface CheckResult {
  ok: boolean;
  tables: number;
  figures: number;
  figureSizes: Array<{ id: string; width: number; height: number }>;
  failures: string[];
  screenshot: string;
}

async function runCheck(args: string[]): Promise<{ code: number; result: CheckResult }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT, ...args], { timeout: 90_000 });
    return { code: 0, result: JSON.parse(stdout) };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (e.code !== 1 || !e.stdout) throw new Error(`check-report could not run (exit ${e.code}): ${e.stderr}`);
    return { code: 1, result: JSON.parse(e.stdout) };
  }
}

describe.skipIf(!haveChromium)(`the report in headless Chromium (needs ${CHROMIUM})`, () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'grokpipe-report-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows every table and figure of the sample report, with no console error, and screenshots it', async () => {
    const model = sampleReportModel();
    await writeReport(join(dir, 'sample'), renderReport(model));
    const tables = model.sections.flatMap((s) => s.tables ?? []).length;
    const figures = model.sections.flatMap((s) => s.figures ?? []).length;
    const screenshot = join(dir, 'sample.png');
    const { code, result } = await runCheck([
      join(dir, 'sample', 'index.html'),
      '--expect-tables',
      String(tables),
      '--expect-figures',
      String(figures),
      '--screenshot',
      screenshot,
    ]);
    expect(result.failures).toEqual([]);
    expect(code).toBe(0);
    expect(result.tables).toBe(tables);
    expect(result.figures).toBe(figures);
    for (const f of result.figureSizes) {
      expect(f.width).toBeGreaterThan(200);
      expect(f.height).toBeGreaterThan(150);
    }
    const png = await readFile(screenshot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(50_000);
  });

  it('fails a page that fetches an external asset, draws an empty figure or hides a table\'s columns', async () => {
    const cells = Array.from({ length: 40 }, (_, i) => `<td>column&nbsp;${i}</td>`).join('');
    const broken =
      '<!DOCTYPE html><html><head><meta charset="utf-8" /><title>broken</title></head><body>' +
      '<img src="http://127.0.0.1:9/x.png" alt="" />' +
      `<div style="max-width: 600px; overflow-x: auto"><table id="tab-wide"><tr>${cells}</tr></table></div>` +
      '<figure id="fig-empty"><svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"></svg></figure>' +
      '</body></html>';
    await writeFile(join(dir, 'broken.html'), broken);
    const { code, result } = await runCheck([join(dir, 'broken.html'), '--screenshot', join(dir, 'broken.png')]);
    expect(code).toBe(1);
    expect(result.ok).toBe(false);
    expect(result.failures.some((f) => f.includes('requested http://127.0.0.1:9/x.png'))).toBe(true);
    expect(result.failures.some((f) => f.includes('figure fig-empty draws its SVG at 0 x 0'))).toBe(true);
    expect(result.failures.find((f) => f.startsWith('table tab-wide'))).toMatch(/^table tab-wide needs \d+px in a 600px column \(it scrolls sideways/);
  });
});
