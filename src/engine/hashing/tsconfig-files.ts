/**
 * The tsconfig.json (else jsconfig.json) that governs a file, read as esbuild and TypeScript read it, for
 * everything in the engine that needs one: the module resolver (which file a "paths" alias or a baseUrl
 * import names, module-resolution.ts) and the key's compiler component and the bundle's name
 * (keys/compiler-settings.ts). One reader, so that the file the key hashes for an alias is the file the
 * bundle loads for it, with "extends" followed the same way for both.
 *
 * The config of a file is the nearest tsconfig.json (else jsconfig.json) in its folder or any folder above,
 * outside the repository too. Its options are those of its "extends" chain merged: a later base overrides an
 * earlier one, the file itself overrides its bases, and each option remembers the config that set it,
 * since "paths" and "baseUrl" are relative to that config's folder.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Json } from '../../core/canonical-json.ts';

export const TSCONFIGS = ['tsconfig.json', 'jsconfig.json'];

export interface TsConfig {
  extends?: unknown;
  compilerOptions?: Record<string, Json>;
}

/** The options in force for the files a config governs: each with the config (absolute path) whose text set it. */
export interface ConfigOptions {
  options: Record<string, { value: Json; config: string }>;
  /** The last config of the chain that could not be read or parsed, and its error's name (esbuild refuses such a chain). */
  unreadable: { config: string; error: string } | null;
}

/** The nearest tsconfig.json (else jsconfig.json) in the folder of `file` or above it, or null. */
export function nearestConfig(file: string): string | null {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    for (const name of TSCONFIGS) if (isFile(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) return null;
  }
}

/** compilerOptions of `config` over those of its bases. */
export function configOptions(config: string, seen: Set<string> = new Set()): ConfigOptions {
  if (seen.has(config)) return { options: {}, unreadable: null };
  seen.add(config);
  let json: TsConfig;
  try {
    json = parsedConfig(readFileSync(config, 'utf8'));
  } catch (e) {
    return { options: {}, unreadable: { config, error: (e as Error).name } };
  }
  let options: ConfigOptions['options'] = {};
  let unreadable: ConfigOptions['unreadable'] = null;
  for (const ext of basesOf(json)) {
    const found = resolveExtends(config, ext);
    if (!found) continue;
    const base = configOptions(found, seen);
    options = { ...options, ...base.options };
    if (base.unreadable) unreadable = base.unreadable;
  }
  for (const [name, value] of Object.entries(json.compilerOptions ?? {})) options[name] = { value, config };
  return { options, unreadable };
}

/**
 * What "paths" and "baseUrl" make of bare specifiers for the files `config` governs, as TypeScript and
 * esbuild resolve them: baseUrl relative to the config that sets it; the "paths" targets relative to
 * baseUrl when there is one, else to the folder of the config that sets "paths". Null when neither is set.
 */
export interface PathMapping {
  baseUrl: string | null;
  pathsBase: string;
  paths: Record<string, string[]>;
}

export function pathMapping(config: string): PathMapping | null {
  const { options } = configOptions(config);
  const baseUrl = typeof options.baseUrl?.value === 'string' ? resolve(dirname(options.baseUrl.config), options.baseUrl.value) : null;
  const paths = options.paths && isPathsObject(options.paths.value) ? options.paths.value : null;
  if (!paths && !baseUrl) return null;
  return { baseUrl, pathsBase: baseUrl ?? dirname(options.paths!.config), paths: paths ?? {} };
}

/** The file an `extends` entry of `config` names, as TypeScript finds it (a path, or a package's config). */
export function resolveExtends(config: string, ext: string): string | null {
  const base = dirname(config);
  const candidates = ext.startsWith('.') || isAbsolute(ext) ? [resolve(base, ext), resolve(base, `${ext}.json`), join(resolve(base, ext), 'tsconfig.json')] : [];
  if (!candidates.length) {
    try {
      candidates.push(createRequire(config).resolve(ext));
    } catch {
      try {
        candidates.push(createRequire(config).resolve(`${ext}/tsconfig.json`));
      } catch {
        return null;
      }
    }
  }
  return candidates.find(isFile) ?? null;
}

/** A tsconfig's text as JSON (comments and trailing commas allowed, as TypeScript and esbuild allow them); throws if it is not. */
export function parsedConfig(text: string): TsConfig {
  return JSON.parse(stripJsonComments(text)) as TsConfig;
}

/** The files a tsconfig `extends` (a string or a list). */
export function basesOf(json: TsConfig): string[] {
  const v = json.extends;
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

/** JSON with comments and trailing commas (tsconfig.json) made plain JSON. */
function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) i++;
      i++;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function isPathsObject(v: Json): v is Record<string, string[]> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((t) => Array.isArray(t) && t.every((x) => typeof x === 'string'));
}

/** Whether `p` is a regular file, links followed (false when it is absent or cannot be read). */
export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
