/** Where a verb writes: the process's streams for the real CLI, buffers for in-process tests. */
export interface CliIo {
  out: { write(text: string): void; isTTY?: boolean; columns?: number };
  err: { write(text: string): void; isTTY?: boolean };
  cwd: string;
  signal?: AbortSignal;
}

export function processIo(signal?: AbortSignal): CliIo {
  return {
    out: { write: (t) => void process.stdout.write(t), isTTY: process.stdout.isTTY, columns: process.stdout.columns },
    err: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY },
    cwd: process.cwd(),
    signal,
  };
}

/** Collects output in strings (for tests and for embedding). */
export function bufferIo(cwd: string): CliIo & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return {
    out: { write: (t) => void (out += t), isTTY: false },
    err: { write: (t) => void (err += t), isTTY: false },
    cwd,
    stdout: () => out,
    stderr: () => err,
  };
}
