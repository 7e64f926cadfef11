/** Writes rendered report files under a folder (a stage's output folder), creating figures/ as needed. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import type { ReportFiles } from './render.ts';

export async function writeReport(dir: string, files: ReportFiles): Promise<string[]> {
  const written: string[] = [];
  for (const [relative, content] of Object.entries(files)) {
    const clean = normalize(relative);
    if (clean.startsWith('..') || clean.startsWith(sep) || clean.includes(`${sep}..${sep}`)) {
      throw new Error(`report file "${relative}" would be written outside ${dir}; report paths must stay inside the output folder`);
    }
    const target = join(dir, clean);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content, 'utf8');
    written.push(target);
  }
  return written;
}
