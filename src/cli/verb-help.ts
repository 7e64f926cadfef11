/**
 * `grokpipe <verb> --help`: what the verb does and every option it takes, one described per line.
 * Kept apart from the verbs so that help prints without loading a verb's code (the engine, the stages).
 * test/cli/verb-help.test.ts checks that every option named in a verb's usage line is described here.
 */
const COMMON = `
common options:
  -C <dir>                 the repository (default: the nearest folder upward holding pipeline.yaml)
  -p, --profile <name>     the profile of pipeline.yaml to use (default: its default profile)
  --set vars.<name>=<v>    override a variable of pipeline.yaml for this command (repeatable)
  -h, --help               this help
`;

export const VERB_HELP: Record<string, string> = {
  repro: `grokpipe repro [targets...] [options]

Brings instances up to date: runs those whose key changed, restores those whose outputs are in the store,
leaves the rest. Targets are stage or instance names (default: every instance of the profile).

options:
  -n, --dry-run            say what would run or be restored; write nothing
  -f, --force              run the selected instances even when up to date
  -j, --jobs <N>           instances running at once (default: the machine's cores; 1000 with slurm)
  -c, --cores <N>          the same as -j, as Snakemake spells it
  -k, --keep-going         after a failure, go on with every instance that does not depend on it
  --wait                   wait for another repro in this repository to finish instead of refusing
  --frozen                 for CI: any change to grokpipe.lock (a new entry, a changed key, a removed
                           entry) is an error naming the instances, and the lock is not written
  -e, --executor <name>    where instances run: local (child processes here, the default) or slurm
                           (one sbatch job per instance)
  --remote <url>           a remote store to read on a local miss (default: GROKPIPE_REMOTE, else the
                           URL in grokpipe.remote); what it gives is hashed and checked against the lock
  --no-remote              do not use a remote store
  -v, --verbose            show each stage's log lines as they come
${COMMON}`,
  status: `grokpipe status [targets...] [options]

Lists the instances repro would run or restore, and why.

options:
  -w, --why                for each stale instance, each changed key component with its old and new value
  -a, --all                list up-to-date instances too
  --json                   one JSON document on stdout, every instance with its state, reasons and changes
                           (fields: docs/json.md)
  --exit-code              exit 1 when any instance is not up to date (as git diff --exit-code), else 0
${COMMON}`,
  dag: `grokpipe dag [options]

Prints the graph of stages (or of instances) of the profile.

options:
  --mermaid                as a Mermaid flowchart
  --dot                    as Graphviz dot
  -i, --instances          one node per instance instead of per stage
${COMMON}`,
  show: `grokpipe show <instance> [options]

Prints the manifest and provenance of one instance (its key, what went into it, what it wrote).

options:
  --json                   as JSON
${COMMON}`,
  times: `grokpipe times [targets...] [options]

Per stage: instances ran or restored, the run time summed and the longest instance.

options:
  --json                   one JSON document on stdout (fields: docs/json.md)
${COMMON}`,
  plan: `grokpipe plan [targets...] [options]

Predicts a build's wall time, core-hours and critical path from recorded run times.

options:
  -c, --cores <N[,N...]>   numbers of workers to predict for (repeatable; e.g. --cores 2,16,64); -n is
                           not taken here: it means --dry-run in repro and gc
  --overhead <duration>    start-up added to each instance with no measured run time (default 500ms;
                           a Slurm job's turnaround is seconds: --overhead 5s)
  --json                   one JSON document on stdout (fields: docs/json.md)
${COMMON}`,
  gc: `grokpipe gc [options]

Removes store objects and records that no lock entry or artifact references.

options:
  -n, --dry-run            say what would be removed; remove nothing
${COMMON}`,
  verify: `grokpipe verify [options]
grokpipe verify --lock [--sample N | instances...] [options]
grokpipe verify --remote <url> --sample N [--seed S] [--budget D] [options]

Without --lock: checks claims.yaml against the artifacts of the profile; exit 0 when no claim failed
and every one could be checked, 1 when one FAILed, 3 when none failed but one is NOT BUILT (its
instance has no build for the profile in artifacts/). With --lock: rebuilds locked instances in a
scratch folder and compares their outputs with the lock, byte for byte (exit 1 on a difference).

options:
  --json                   one JSON document on stdout (fields: docs/json.md)
  --lock                   rebuild locked instances and compare their outputs
  --sample <N>             with --lock: N instances instead of all, chosen deterministically (the names
                           that hash lowest)
  -j, --jobs <N>           with --lock: instances rebuilt at once
  --remote <url>           the audit: pull every locked instance of the profile from this remote store
                           (each output checked against the lock), rebuild --sample N of them chosen at
                           random in a scratch folder and compare with the lock, then check every claim
  --seed <S>               with --remote: the seed of the random sample (default: a new one, printed)
  --budget <duration>      with --remote: leave out of the sample instances whose recorded run time is
                           longer than this (they are named), e.g. --budget 2m
  --no-remote              do not read through to a remote store
  -v, --verbose            show each stage's log lines as they come
${COMMON}`,
  push: `grokpipe push [targets...] [options]

Sends the records and objects of the committed lock's instances (of the profile, or the targets) from the
local store to the remote store. Objects go first, each re-hashed, skipping those the server has; a record
goes last. Run it again to resume.

options:
  --remote <url>           the remote store (default: GROKPIPE_REMOTE, else the URL in grokpipe.remote);
                           credentials: GROKPIPE_REMOTE_TOKEN (a bearer token) or ~/.netrc
  -j, --jobs <N>           transfers at once (default 8)
${COMMON}`,
  pull: `grokpipe pull [targets...] [options]

Fetches the records and objects of the committed lock's instances (of the profile, or the targets) from
the remote store into the local store. Every object is hashed before it is stored, and a record counts only
if its objects hash to their names and its outputs are the lock's. Then grokpipe repro restores them.

options:
  --remote <url>           the remote store (default: GROKPIPE_REMOTE, else the URL in grokpipe.remote);
                           credentials: GROKPIPE_REMOTE_TOKEN (a bearer token) or ~/.netrc
  -j, --jobs <N>           transfers at once (default 8)
${COMMON}`,
};

/** True when argv asks for help (`-h` or `--help` anywhere before a `--`). */
export function asksForHelp(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '-h' || a === '--help') return true;
  }
  return false;
}
