/** Process entry of the grokpipe CLI (bin/grokpipe.js imports this through tsx). */
import { processIo } from './io.ts';
import { runCli } from './run-cli.ts';

const controller = new AbortController();
let interrupted = 0;
process.on('SIGINT', () => {
  interrupted++;
  // First Ctrl-C: stop starting work, ask running stages to stop, keep what finished. Second: leave now.
  if (interrupted > 1) process.exit(130);
  process.stderr.write('\ninterrupted: stopping running stages (Ctrl-C again to quit at once)\n');
  controller.abort();
});
process.on('SIGTERM', () => controller.abort());

try {
  process.exitCode = await runCli(process.argv.slice(2), processIo(controller.signal));
} catch (e) {
  process.stderr.write(`internal error: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 70;
}
