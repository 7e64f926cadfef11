/**
 * A cache folder whose files are named by what decides them and by their own bytes:
 * `<stem>.<first 32 hex digits of the sha256 of the bytes><ext>` (stage bundles in keys/module-bundle.ts,
 * params validators in pipeline/compiled-validator.ts). The stem finds a file; the rest of the name is
 * checked before the file is used, so an edited or torn file is never run: it is removed (when the folder
 * may be written) and made again. A cache can then never change a key's result.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './sha256.ts';

/** Hex digits of the bytes' hash at the end of a name. */
const CONTENT_DIGITS = 32;

/** Names in each folder, listed once per folder and process (a folder of thousands is read once). */
const listings = new Map<string, string[]>();

/** Whether `bytes` hash to the digits at the end of the file name `name` (any folder, any extension). */
export function hashesToItsName(name: string, bytes: string | Buffer): boolean {
  const named = new RegExp(`\\.([0-9a-f]{${CONTENT_DIGITS}})\\.[a-z]+$`).exec(name)?.[1];
  return named !== undefined && sha256(bytes).startsWith(named);
}

export class ContentNamedFolder {
  constructor(
    readonly dir: string,
    /** With its dot: `.mjs`, `.cjs`. */
    private readonly ext: string,
    readonly writable: boolean,
  ) {}

  /** The name `bytes` get under `stem`. */
  nameOf(stem: string, bytes: string | Buffer): string {
    return `${stem}.${sha256(bytes).slice(0, CONTENT_DIGITS)}${this.ext}`;
  }

  /** The bytes of the first file under `stem` that still hash to its name, with its path; null when none does. */
  find(stem: string): { file: string; text: string } | null {
    for (const name of this.namesUnder(stem)) {
      const file = join(this.dir, name);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      if (this.nameOf(stem, text) === name) return { file, text };
      // Edited or torn: never used; made again by the caller.
      if (this.writable) rmSync(file, { force: true });
    }
    return null;
  }

  /** Remembers a file the caller has just written under `name`, for this process's later lookups. */
  added(name: string): void {
    listings.get(this.dir)?.push(name);
  }

  private namesUnder(stem: string): string[] {
    let names = listings.get(this.dir);
    if (!names) {
      try {
        names = readdirSync(this.dir).filter((n) => n.endsWith(this.ext));
      } catch {
        names = [];
      }
      listings.set(this.dir, names);
    }
    return names.filter((n) => n.startsWith(`${stem}.`) && n.length === stem.length + 1 + CONTENT_DIGITS + this.ext.length);
  }
}
