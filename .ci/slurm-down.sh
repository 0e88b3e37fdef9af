#!/usr/bin/env bash
# Stop the daemons .ci/slurm-setup.sh started, by the pids in their pid files (no name-based kill).
# Packages, configuration and job state stay; slurm-setup.sh brings the cluster up again.
stop_pid() { # $1 = pid file, $2 = label
  [ -s "$1" ] || { echo "$2: no pid file"; return 0; }
  local pid
  pid=$(cat "$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then echo "$2 ($pid) still alive after 10 s, SIGKILL"; kill -KILL "$pid"; fi
  fi
  rm -f "$1"
  echo "$2 ($pid) stopped"
}
stop_pid /run/slurm/slurmd.pid slurmd
stop_pid /run/slurm/slurmctld.pid slurmctld # also ends its child slurmscriptd
stop_pid /run/munge/munged.pid munged
