/** Process entry of the grokpipe CLI (bin/grokpipe.js imports this through tsx). */
import { processIo } from './io.ts';
import { reportCrash } from './crash-report.ts';
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

// runCli turns every error into a message; these catch what escapes it (a throw in a timer or stream
// handler), with the same crash report instead of Node's stack trace.
const crash = (e: unknown) => {
  process.exitCode = reportCrash(e, { argv: process.argv.slice(2), cwd: process.cwd(), err: process.stderr });
  process.exit();
};
process.on('uncaughtException', crash);
// The reader went away (`grokpipe show x | head`): stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    crash(e);
  });
}
process.on('unhandledRejection', crash);

try {
  process.exitCode = await runCli(process.argv.slice(2), processIo(controller.signal));
} catch (e) {
  crash(e);
}
