#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine for the Slurm executor's tests (and CI): munged,
# slurmctld and slurmd, run directly as root without systemd, each writing a pid file under
# $GROKPIPE_SLURM_DIR (default /tmp/grokpipe-slurm). scripts/slurm-down.sh stops them by those pids.
# Needs Debian's packages: apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge
# Idempotent: if this cluster already answers, it does nothing. Exit 0 once sbatch can submit.
set -euo pipefail
STATE="${GROKPIPE_SLURM_DIR:-/tmp/grokpipe-slurm}"
CONF=/etc/slurm/slurm.conf

if [ "$(id -u)" != 0 ]; then echo "slurm-up: must run as root (it starts munged, slurmctld and slurmd)" >&2; exit 1; fi
for p in munged slurmctld slurmd sbatch; do
  command -v "$p" >/dev/null || { echo "slurm-up: $p not installed (apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge)" >&2; exit 1; }
done

# munged runs as the munge user and writes its pid file in a folder of its own.
alive() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2>/dev/null; }
if alive munge/munged && alive slurmctld && alive slurmd && sinfo -h >/dev/null 2>&1; then
  echo "slurm-up: already running (pids in $STATE)"; exit 0
fi

mkdir -p "$STATE/munge" /var/spool/slurmctld /var/spool/slurmd /etc/slurm /run/munge /var/lib/munge /var/log/munge
chown munge:munge "$STATE/munge" /run/munge /var/lib/munge /var/log/munge
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key

HOST="$(hostname -s)"
# The node line as slurmd measures this machine (CPUs, sockets, cores, threads, RealMemory).
NODE="$(slurmd -C | head -1)"
MEM="$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$NODE")"
CPUS="$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$NODE")"
cat > "$CONF" <<CONF
# Written by grokpipe's scripts/slurm-up.sh: a single-node cluster for tests.
ClusterName=grokpipe
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
# No cgroups here (containers, no systemd): track processes through /proc, no task confinement.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$(( MEM / CPUS / 2 ))
# The default leaves about 3 s between two jobs' starts.
SchedulerParameters=batch_sched_delay=0
# Finished jobs stay visible to squeue -t all for 10 minutes (there is no accounting database).
MinJobAge=600
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
MpiDefault=none
$NODE
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF

alive munge/munged || runuser -u munge -- munged --pid-file="$STATE/munge/munged.pid"
slurmctld -i
slurmd
for _ in $(seq 1 100); do
  if alive slurmctld && alive slurmd && [ "$(sinfo -h -o %t 2>/dev/null | head -1)" = idle ]; then
    echo "slurm-up: single-node cluster up on $HOST (pids in $STATE)"; exit 0
  fi
  sleep 0.1
done
echo "slurm-up: the cluster did not come up; logs: $STATE/slurmctld.log $STATE/slurmd.log" >&2
sinfo >&2 || true
exit 1
