/**
 * gc: removes store objects and run records that nothing references. Referenced = the keys and outputs
 * in grokpipe.lock (every profile) and in the manifests under artifacts/. Everything else goes, which
 * also means an earlier param value no longer restores without running after a gc. Stage module bundles
 * (module-bundle.ts) go too, all of them: each is compiled again, in well under a second, on first use.
 */
import { existsSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS_DIR, readManifest } from '../store/artifacts.ts';
import { readLock } from '../store/lock-file.ts';
import { bundleDir } from '../keys/module-bundle.ts';
import { GrokpipeError } from '../errors.ts';
import { ObjectStore } from '../store/object-store.ts';

export interface GcResult {
  objects: string[];
  records: string[];
  bytes: number;
  keptObjects: number;
  keptRecords: number;
  /** File names of the stage module bundles removed, and their size with their source maps. */
  bundles: string[];
  bundleBytes: number;
}

function realStoreDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

export function collectGarbage(root: string, options: { dryRun?: boolean } = {}): GcResult {
  const store = new ObjectStore(root);
  if (store.shared) {
    throw new GrokpipeError({
      title: 'gc will not clean a shared store',
      expected: "the repository's own store (.grokpipe/store): gc removes whatever this repository's lock and artifacts do not reference",
      found: `${process.env.GROKPIPE_STORE?.trim() ? `GROKPIPE_STORE=${process.env.GROKPIPE_STORE}` : '.grokpipe/store'} (${store.dir}, really ${realStoreDir(store.dir)}), which other checkouts may use: their results would go`,
      hint: 'run gc without GROKPIPE_STORE to clean this repository\'s own store; a shared store is cleaned by whoever owns it (e.g. by deleting it: it is only a cache of results)',
    });
  }
  const lock = readLock(root);
  const liveKeys = new Set<string>();
  const liveObjects = new Set<string>();
  for (const section of Object.values(lock.profiles)) {
    for (const e of Object.values(section)) {
      liveKeys.add(e.key);
      for (const sha of Object.values(e.outputs)) liveObjects.add(sha);
    }
  }
  const artifacts = join(root, ARTIFACTS_DIR);
  if (existsSync(artifacts)) {
    for (const name of readdirSync(artifacts).sort()) {
      if (name.startsWith('.')) continue;
      const m = readManifest(root, name);
      if (!m) continue;
      liveKeys.add(m.key);
      for (const sha of Object.values(m.outputs)) liveObjects.add(sha);
    }
  }
  const records = store.listRecords().filter((k) => !liveKeys.has(k));
  for (const k of store.listRecords()) {
    if (!liveKeys.has(k)) continue;
    const rec = store.readRecord(k);
    for (const sha of Object.values(rec?.outputs ?? {})) liveObjects.add(sha);
  }
  const all = store.listObjects();
  const objects = all.filter((o) => !liveObjects.has(o));
  let bytes = 0;
  for (const o of objects) bytes += statSync(store.objectPath(o)).size;
  const bundlesDir = bundleDir(root);
  const bundles = existsSync(bundlesDir) ? readdirSync(bundlesDir).sort() : [];
  let bundleBytes = 0;
  for (const b of bundles) bundleBytes += statSync(join(bundlesDir, b)).size;
  if (!options.dryRun) {
    for (const b of bundles) rmSync(join(bundlesDir, b), { force: true });
    for (const o of objects) rmSync(store.objectPath(o), { force: true });
    for (const k of records) rmSync(store.recordPath(k), { force: true });
    rmSync(join(store.dir, 'corrupt'), { recursive: true, force: true });
  }
  return { objects, records, bytes, bundles: bundles.filter((b) => b.endsWith('.mjs')), bundleBytes, keptObjects: all.length - objects.length, keptRecords: store.listRecords().length - (options.dryRun ? records.length : 0) };
}
