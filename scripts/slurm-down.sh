#!/usr/bin/env bash
# Stops the cluster scripts/slurm-up.sh started: slurmd, slurmctld, munged, each by its pid file.
set -uo pipefail
STATE="${GROKPIPE_SLURM_DIR:-/tmp/grokpipe-slurm}"
for d in slurmd slurmctld munge/munged; do
  f="$STATE/$d.pid"
  [ -f "$f" ] || continue
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$f"
done
echo "slurm-down: stopped (pid files in $STATE)"
