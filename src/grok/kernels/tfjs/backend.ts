/**
 * Loading TensorFlow.js and choosing its backend, once per process.
 *
 * Order of preference:
 *   1. @tensorflow/tfjs-node (backend "tensorflow", libtensorflow through a native addon) when the package is
 *      installed AND its native addon is present AND it loads. It is an optional dependency: it downloads a
 *      native library at install time, which fails on many machines, so its absence is normal.
 *   2. @tensorflow/tfjs-backend-wasm (backend "wasm"), set up for Node: the .wasm binaries are located in
 *      node_modules through the module resolver (not a URL relative to a bundle), threads are off (tfjs
 *      has no worker threads in Node, and one thread per process keeps the summation order fixed and
 *      leaves the cores to the scheduler, which runs one cell per core).
 *   3. Nothing else: the plain-JS cpu backend is about 20x slower (measured 835 ms against ~40 ms per MLP
 *      step at p = 59, same loaded machine), a silent slowdown nobody would want, so we fail with a
 *      message that says what was tried.
 *
 * Everything here is loaded with dynamic import() so that importing src/grok costs nothing when tfjs is
 * not used. The chosen backend and the tfjs version form the engine identity that enters stage keys.
 */

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type * as Tf from '@tensorflow/tfjs-core';
import { registerMissingGradients } from './gradients.ts';

export type TfjsBackendName = 'tensorflow' | 'wasm';

export interface TfjsRuntime {
  /** The tfjs namespace, with the chosen backend active. */
  readonly tf: typeof Tf;
  readonly backend: TfjsBackendName;
  /** "tfjs/<version>/<backend>", e.g. "tfjs/4.22.0/wasm". */
  readonly identity: string;
  /** Why tfjs-node was not used (empty when it is the backend): shown by diagnostics, never in keys. */
  readonly tensorflowSkipped: string;
}

const requireHere = createRequire(import.meta.url);

// The package name, for messages. The import below spells it as a literal, so that the code closure
// records tfjs-node's installed version in the key (a computed import() is refused there); `as string`
// keeps TypeScript from requiring the types of this optional dependency.
const TFJS_NODE = '@tensorflow/tfjs-node';

let loading: Promise<TfjsRuntime> | null = null;

/** Loads tfjs and activates the preferred backend; later calls share the first call's result. */
export function loadTfjs(): Promise<TfjsRuntime> {
  if (loading === null) {
    loading = startTfjs();
    // A failure is not cached: the caller may fix the environment (e.g. install a package) and retry.
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** The engine identity for stage keys, e.g. "tfjs/4.22.0/wasm". Loads the backend but runs no model. */
export async function tfjsIdentity(): Promise<string> {
  return (await loadTfjs()).identity;
}

async function startTfjs(): Promise<TfjsRuntime> {
  const tensorflow = await tryTensorflowBackend();
  if (tensorflow.tf !== null) {
    registerMissingGradients(tensorflow.tf);
    return {
      tf: tensorflow.tf,
      backend: 'tensorflow',
      identity: `tfjs/${tensorflow.tf.version_core}/tensorflow`,
      tensorflowSkipped: '',
    };
  }
  const tf = await startWasmBackend(tensorflow.reason);
  registerMissingGradients(tf);
  return { tf, backend: 'wasm', identity: `tfjs/${tf.version_core}/wasm`, tensorflowSkipped: tensorflow.reason };
}

async function tryTensorflowBackend(): Promise<{ tf: typeof Tf | null; reason: string }> {
  let manifest: string;
  try {
    manifest = requireHere.resolve(`${TFJS_NODE}/package.json`);
  } catch {
    return { tf: null, reason: `${TFJS_NODE} is not installed` };
  }
  // tfjs-node locates its addon with node-pre-gyp and throws when it is missing, but only after loading the
  // whole @tensorflow/tfjs union package (~0.4 s, and it registers the cpu backend as a side effect). Asking
  // node-pre-gyp the same question first costs a few milliseconds.
  const addon = locateTfjsNodeAddon(manifest);
  if (addon !== null && !existsSync(addon)) {
    return { tf: null, reason: `${TFJS_NODE} is installed but its native addon is missing (${addon})` };
  }
  try {
    const mod = (await import('@tensorflow/tfjs-node' as string)) as { default?: typeof Tf } & typeof Tf;
    const tf = (typeof mod.tensor === 'function' ? mod : mod.default) as typeof Tf;
    if (!(await tf.setBackend('tensorflow'))) {
      return { tf: null, reason: `${TFJS_NODE} loaded but its "tensorflow" backend did not initialise` };
    }
    await tf.ready();
    return { tf, reason: '' };
  } catch (err) {
    return { tf: null, reason: `${TFJS_NODE} failed to load: ${firstLine(err)}` };
  }
}

function locateTfjsNodeAddon(manifest: string): string | null {
  try {
    const requireThere = createRequire(manifest);
    const preGyp = requireThere('@mapbox/node-pre-gyp') as { find(packageJson: string): string };
    return preGyp.find(manifest);
  } catch {
    return null; // cannot tell cheaply: let the real import decide
  }
}

async function startWasmBackend(tensorflowSkipped: string): Promise<typeof Tf> {
  let tf: typeof Tf;
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    tf = (await import('@tensorflow/tfjs-core')) as typeof Tf;
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    throw new Error(
      `TensorFlow.js engine: expected @tensorflow/tfjs-core and @tensorflow/tfjs-backend-wasm to load, ` +
        `found: ${firstLine(err)}.\n  tfjs-node was not used either: ${tensorflowSkipped}.\n` +
        `  help: run \`npm ci\` in the repository, or use engine "ts" or "wasm" (the project's own kernels).`,
    );
  }
  const wasmDir = dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm'));
  for (const binary of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
    if (!existsSync(`${wasmDir}/${binary}`)) {
      throw new Error(
        `TensorFlow.js engine: expected the wasm binary ${binary} in ${wasmDir}, found no such file.\n` +
          `  help: reinstall dependencies (\`npm ci\`); the package @tensorflow/tfjs-backend-wasm is incomplete.`,
      );
    }
  }
  // Node has no tfjs wasm threads (tfjs issue 3830); say so explicitly rather than rely on the probe.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setThreadsCount(1);
  wasm.setWasmPaths(`${wasmDir}/`);
  const ok = await withoutNewProcessHandlers(() => tf.setBackend('wasm'));
  if (!ok) {
    throw new Error(
      `TensorFlow.js engine: expected the "wasm" backend to initialise from ${wasmDir}, but tf.setBackend('wasm') ` +
        `returned false (see the warning tfjs printed above).\n  tfjs-node was not used either: ${tensorflowSkipped}.\n` +
        `  help: use engine "ts" or "wasm" (the project's own kernels), which need no tfjs backend.`,
    );
  }
  await tf.ready();
  return tf;
}

/**
 * Runs `init` and then removes the process-wide 'uncaughtException' and 'unhandledRejection' listeners it
 * added. The Emscripten runtime of tfjs-backend-wasm installs listeners that rethrow, so that any later
 * uncaught error anywhere in the process is reported with a kilobyte-long line of minified Emscripten
 * source in front of it (and they exist only to let Emscripten's exit() unwind, which tfjs never calls).
 * Listeners that were there before are left alone.
 */
async function withoutNewProcessHandlers<T>(init: () => Promise<T>): Promise<T> {
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  const before = events.map((event) => new Set(process.listeners(event)));
  try {
    return await init();
  } finally {
    events.forEach((event, i) => {
      for (const listener of process.listeners(event)) {
        if (!before[i].has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
      }
    });
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0].trim();
}
