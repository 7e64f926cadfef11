/** Small filesystem helpers whose point is atomicity: write a temporary file, then rename it. */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

let counter = 0;

/** A name unique within this process and across processes (pid), without randomness. */
export function uniqueSuffix(): string {
  counter += 1;
  return `${process.pid}-${counter}`;
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${uniqueSuffix()}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Every regular file under `dir`, as sorted relative paths with "/". Symlinks and others are reported. */
export function listFiles(dir: string): { files: string[]; special: string[] } {
  const files: string[] = [];
  const special: string[] = [];
  const walk = (d: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, ent.name);
      const rel = relative(dir, abs).split(sep).join('/');
      if (ent.isDirectory()) walk(abs);
      else if (ent.isFile()) files.push(rel);
      else special.push(rel);
    }
  };
  try {
    walk(dir);
  } catch (e) {
    // A missing folder (or a file where a folder should be) has no files.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
  }
  files.sort();
  special.sort();
  return { files, special };
}
