/**
 * The committed grokpipe.lock agrees with the code: for every profile it records, every instance's key,
 * computed from the code, params and its upstream instances' locked outputs (verbs/lock-keys.ts, what
 * repro --frozen checks before it runs), is the key the lock holds. A change that moves a key (an edited
 * comment in a file a stage imports, a param, a package version) fails here in seconds, naming the
 * instance and what moved, instead of hours later when a rebuild reaches it; it must land with the lock
 * rebuilt. Nothing runs and nothing is written: the hash cache is read-only.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { lockKeys } from '../../src/engine/verbs/lock-keys.ts';
import { openWorkspace } from '../../src/engine/verbs/workspace.ts';

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const profiles = Object.keys((JSON.parse(readFileSync(join(PROJECT, 'grokpipe.lock'), 'utf8')) as { profiles: Record<string, unknown> }).profiles);

describe('the committed lock', () => {
  test('records at least one profile', () => {
    expect(profiles.length).toBeGreaterThan(0);
  });

  test.each(profiles)('profile %s: every instance is locked under the key its code gives it now', async (profile) => {
    const ws = await openWorkspace(PROJECT, { profile, readOnly: true });
    const { drift, unlocked, checked } = lockKeys(ws, ws.plan.instances, ws.lock.profiles[profile]!);
    expect(drift.map((d) => `${d.instance}: lock ${d.locked.slice(0, 12)}, now ${d.now.slice(0, 12)} ${d.changes.join('; ')}`)).toEqual([]);
    expect(unlocked).toEqual([]);
    expect(checked).toBe(ws.plan.instances.length);
  }, 120_000);
});
