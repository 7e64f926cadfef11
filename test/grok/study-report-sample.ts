/**
 * Renders the synthetic study (study-report-fixture.ts) through the real analyses and the report builder,
 * to look at the page before the pipeline has produced real artifacts:
 *
 *   npx tsx test/grok/study-report-sample.ts <out-dir> [paper|quick]
 *   node scripts/check-report.mjs <out-dir>/index.html --screenshot <out-dir>/index.png
 *
 * SAMPLE DATA: the numbers come from made-up laws, not from training.
 */
import { renderReport, writeReport } from '../../src/grok/report/index.ts';
import { buildStudyReport } from '../../src/grok/report/study/index.ts';
import { buildStudyInput, PAPER_OPTIONS, QUICK_OPTIONS, sampleClaims } from './study-report-fixture.ts';

async function main(): Promise<void> {
  const [out, profile = 'paper'] = process.argv.slice(2);
  if (!out || (profile !== 'paper' && profile !== 'quick')) {
    process.stderr.write('usage: npx tsx test/grok/study-report-sample.ts <out-dir> [paper|quick]\n');
    process.exit(2);
  }
  const options = profile === 'paper' ? PAPER_OPTIONS : QUICK_OPTIONS;
  const input = buildStudyInput({ ...options, stalledTau: 1.15 }, sampleClaims(), profile);
  const model = buildStudyReport({
    ...input,
    title: 'SAMPLE (synthetic data): what does the weight norm control in grokking?',
    pipeline: [{ label: 'data', value: 'synthetic laws from test/grok/study-report-fixture.ts, not results' }],
  });
  const written = await writeReport(out, renderReport(model));
  process.stdout.write(`${written.length} files written to ${out}\n`);
}

await main();
