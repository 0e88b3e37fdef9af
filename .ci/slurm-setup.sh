#!/usr/bin/env bash
# A single-node Slurm cluster on this machine for test/cli/slurm.test.ts (run by .ci/run).
# Debian 12, root, no systemd: installs munge and Slurm if missing, writes /etc/slurm/slurm.conf,
# starts munged, slurmctld and slurmd as plain daemons and waits (bounded) until `sinfo` shows
# the node idle. Safe to run again: a cluster that is already up with the same configuration is
# left alone; otherwise the new daemons replace the old ones (they end them via the pid files).
# Stop it with .ci/slurm-down.sh.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "slurm-setup: needs root (installs packages, starts daemons)" >&2; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge
fi

HOST=$(hostname -s)
CPUS=$(nproc)
# Slurm marks the node invalid if RealMemory exceeds what slurmd detects: stay at ~90% of RAM.
MEM_MB=$(awk '/MemTotal/ {printf "%d", $2/1024*0.9}' /proc/meminfo)

# --- munge ---
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --keyfile=/etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
munge -n >/dev/null 2>&1 || runuser -u munge -- /usr/sbin/munged
munge -n | unmunge | grep -q 'STATUS: *Success'

# --- slurm ---
install -d -o slurm -g slurm -m 0755 /var/spool/slurmctld /var/log/slurm /run/slurm
install -d -o root -g root -m 0755 /var/spool/slurmd /etc/slurm
CONF=$(cat <<CONF
ClusterName=ci
# The controller's address is given, so no DNS is needed.
SlurmctldHost=${HOST}(127.0.0.1)
SlurmUser=slurm
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
# No cgroups (none here): Linux process tracking, no task plugin, no accounting.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# One line per finished array task with its ExitCode (sacct needs slurmdbd).
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
# Cores only, not memory: tasks without --mem (the whole node) still run side by side.
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
# Fast turnaround: no 3 s delay between the waves of an array.
SchedulerParameters=batch_sched_delay=0
MinJobAge=30
KillWait=5
InactiveLimit=0
NodeName=${HOST} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
)

node_state() { timeout 15 sinfo -h -n "$HOST" -o '%t' 2>/dev/null || true; }
# The controller reports a node idle for minutes after its slurmd died: check both processes.
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if [ -f /etc/slurm/slurm.conf ] && [ "$(cat /etc/slurm/slurm.conf)" = "$CONF" ] &&
  alive /run/slurm/slurmctld.pid && alive /run/slurm/slurmd.pid && [ "$(node_state)" = "idle" ]; then
  echo "slurm-setup: already up, node $HOST idle"
  exit 0
fi
printf '%s\n' "$CONF" > /etc/slurm/slurm.conf

# Both daemonize and write their pid files; a second start ends the daemon named in the pid file.
/usr/sbin/slurmctld
/usr/sbin/slurmd

st=""
for _ in $(seq 1 60); do
  st=$(node_state)
  [ "$st" = "idle" ] && break
  sleep 1
done
if [ "$st" != "idle" ]; then
  echo "slurm-setup: node $HOST is '${st:-unreachable}' after 60 s, not idle; logs in /var/log/slurm" >&2
  tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
  exit 1
fi
echo "slurm-setup: $(sbatch --version), node $HOST idle ($CPUS CPUs, ${MEM_MB} MB)"
