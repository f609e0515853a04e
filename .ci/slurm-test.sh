#!/usr/bin/env bash
# slurm-test.sh: run a small sweep as a Slurm job array on a one-node cluster
# started by hand on localhost, merge the shards in a dependent job, and check
# that the merged runs.csv equals a single-process run (wall_s aside).
#
# It installs Debian's slurm-wlm and munge, starts munged, slurmctld and slurmd
# without systemd and without cgroups, everything under one temporary
# directory, and stops the daemons it started by PID on exit. It must run as
# root. Environment knobs: TCPSIM_SLURM_TIMEOUT (seconds to wait for the jobs,
# default 240), TCPSIM_SLURM_KEEP=1 (keep the temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"

SWEEP_FILE=testdata/sweep-small.yaml
SHARDS=4
TIMEOUT=${TCPSIM_SLURM_TIMEOUT:-240}
START=$SECONDS

say() { echo "slurm-test [$((SECONDS - START)) s]: $*"; }
fail() {
  echo "slurm-test: FAIL: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "must run as root (it installs packages and runs slurmd), running as uid $(id -u)"

# --- Install -----------------------------------------------------------------
# Keep the packages' init scripts from starting daemons of their own: we start
# ours by hand. Debian's policy-rc.d protocol: exit 101 means "do not start".
POLICY=/usr/sbin/policy-rc.d
made_policy=""
trap '[ -z "$made_policy" ] || rm -f "$POLICY"' EXIT
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
  ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$POLICY"
    chmod 755 "$POLICY"
    made_policy=1
  fi
  say "installing slurm-wlm and munge"
  apt_log=$(mktemp)
  # A mirror may hiccup: try apt-get update up to three times.
  if ! { apt-get update || { sleep 5 && apt-get update; } || { sleep 15 && apt-get update; }; } >"$apt_log" 2>&1 ||
    ! DEBIAN_FRONTEND=noninteractive apt-get install -y slurm-wlm munge >>"$apt_log" 2>&1; then
    tail -n 40 "$apt_log" >&2
    [ -z "$made_policy" ] || rm -f "$POLICY"
    fail "apt-get could not install slurm-wlm and munge (log above)"
  fi
  rm -f "$apt_log"
  [ -z "$made_policy" ] || rm -f "$POLICY"
  made_policy=""
fi
trap - EXIT
for cmd in munged mungekey munge unmunge slurmctld slurmd sbatch scontrol sinfo scancel; do
  command -v "$cmd" >/dev/null || fail "$cmd is not installed"
done
say "slurm-wlm $(dpkg-query -W -f='${Version}' slurm-wlm 2>/dev/null || echo '?'), $(munged --version 2>&1 | awk '{print $1; exit}')"

# --- Cleanup -----------------------------------------------------------------
T=$(mktemp -d /tmp/tcpsim-slurm.XXXXXX)
chmod 755 "$T"
PIDS=()    # daemons we started, stopped in reverse order
JOBIDS=()  # jobs we submitted, cancelled if still there on exit

stop_pid() { # stop_pid PID NAME
  local pid=$1 name=$2 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "slurm-test: $name (pid $pid) ignored SIGTERM for 5 s; sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  if [ ${#JOBIDS[@]} -gt 0 ] && [ ${#PIDS[@]} -gt 0 ]; then
    scancel "${JOBIDS[@]}" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ]; then
    for f in "$T"/log/*.log "$T"/out/*.out; do
      [ -s "$f" ] || continue
      echo "----- last lines of $f" >&2
      tail -n 15 "$f" >&2
    done
  fi
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    stop_pid "${PIDS[i]%%:*}" "${PIDS[i]#*:}"
  done
  if [ -n "${TCPSIM_SLURM_KEEP:-}" ]; then
    echo "slurm-test: kept $T" >&2
  else
    rm -rf "$T"
  fi
  if [ "$rc" -eq 0 ]; then
    say "PASS in $((SECONDS - START)) s"
  else
    echo "slurm-test: FAILED (exit $rc) after $((SECONDS - START)) s" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# alive PID NAME: fail if a daemon we started has exited.
alive() { kill -0 "$1" 2>/dev/null || fail "$2 exited (see $2's log below)"; }

# wait_for SECONDS PID NAME WHAT COMMAND...: poll COMMAND every 0.2 s until it
# succeeds, failing early if daemon PID has exited.
wait_for() {
  local limit=$1 pid=$2 name=$3 what=$4 end
  shift 4
  end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    alive "$pid" "$name"
    [ "$SECONDS" -lt "$end" ] || fail "timed out after ${limit} s waiting for $what"
    sleep 0.2
  done
}

# port_free PORT: no TCP socket listens on PORT.
port_free() {
  local hex
  hex=$(printf ':%04X ' "$1")
  ! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == "0A" {print $2 " "}' | grep -q "$hex"
}

mkdir -p "$T"/{etc,log,munge,state,spool,out,results}

# --- Build -------------------------------------------------------------------
say "building tcpsim"
go build -o "$T/tcpsim" ./cmd/tcpsim || fail "go build ./cmd/tcpsim failed"
"$T/tcpsim" validate "$SWEEP_FILE" || fail "$SWEEP_FILE does not validate"

# --- munged ------------------------------------------------------------------
# Our own key, socket, pid and log files, so that a munged the packages may
# have started is left alone; munged runs as root (--force: it would rather
# run as the munge user).
mungekey --create --keyfile="$T/munge/munge.key" || fail "mungekey could not create a key"
chmod 400 "$T/munge/munge.key"
MUNGE_SOCKET=$T/munge/munge.socket
munged --foreground --force \
  --key-file="$T/munge/munge.key" --socket="$MUNGE_SOCKET" \
  --pid-file="$T/munge/munged.pid" --seed-file="$T/munge/munged.seed" \
  --log-file="$T/log/munged.log" >>"$T/log/munged.log" 2>&1 &
MUNGED=$!
PIDS+=("$MUNGED:munged")
wait_for 20 "$MUNGED" munged "munged's socket $MUNGE_SOCKET" test -S "$MUNGE_SOCKET"
munge --socket="$MUNGE_SOCKET" -n | unmunge --socket="$MUNGE_SOCKET" >/dev/null ||
  fail "munged does not round-trip a credential"

# --- slurm.conf --------------------------------------------------------------
# Slurm 22.05 (Debian 12). The daemons run in the foreground (-D) and log to
# stderr, which goes to $T/log; there is no accounting database, so job states
# come from scontrol, which keeps finished jobs for MinJobAge seconds.
NODE=$(hostname -s)
[ -n "$NODE" ] || fail "hostname -s is empty"
# The node as slurmd sees it (slurmd -C), less 10% of the memory: slurmctld
# drains a node that registers with less than its configuration says.
HW=$(slurmd -C 2>/dev/null | head -n 1) || HW=""
CPUS=$(grep -o ' CPUs=[0-9]*' <<<"$HW" | cut -d= -f2) || CPUS=$(nproc)
TOPO=$(grep -o ' Boards=.*ThreadsPerCore=[0-9]*' <<<"$HW") || TOPO=""
MEM_MB=$(grep -o 'RealMemory=[0-9]*' <<<"$HW" | cut -d= -f2) ||
  MEM_MB=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
MEM_MB=$((MEM_MB * 9 / 10))
for port in 6817 6818; do
  port_free "$port" || fail "TCP port $port is in use (another slurmctld or slurmd running?); stop it and retry"
done
export SLURM_CONF=$T/etc/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=tcpsimci
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: track processes by parent PID, bind nothing, gather nothing.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS$TOPO RealMemory=$MEM_MB State=UNKNOWN
PartitionName=ci Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF

# --- slurmctld and slurmd ----------------------------------------------------
say "starting slurmctld and slurmd on $NODE ($CPUS CPUs, ${MEM_MB} MB)"
slurmctld -D -f "$SLURM_CONF" >>"$T/log/slurmctld.log" 2>&1 &
SLURMCTLD=$!
PIDS+=("$SLURMCTLD:slurmctld")
wait_for 30 "$SLURMCTLD" slurmctld "slurmctld to answer (scontrol ping)" sh -c 'scontrol ping | grep -q UP'

slurmd -D -N "$NODE" -f "$SLURM_CONF" >>"$T/log/slurmd.log" 2>&1 &
SLURMD=$!
PIDS+=("$SLURMD:slurmd")
node_idle() { sinfo -h -N -n "$NODE" -o %T | grep -qx idle; }
wait_for 30 "$SLURMD" slurmd "node $NODE to be idle" node_idle
say "node $NODE is $(sinfo -h -N -n "$NODE" -o %T)"

# --- Jobs ----------------------------------------------------------------------
TCPSIM=$T/tcpsim
SWEEP=$PWD/$SWEEP_FILE
RES=$T/results

cat >"$T/sweep.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=tcpsim-sweep
#SBATCH --array=0-$((SHARDS - 1))
#SBATCH --cpus-per-task=1
#SBATCH --time=00:10:00
#SBATCH --output=$T/out/sweep-%a.out
set -euo pipefail
# tcpsim finds its shard in SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT.
exec "$TCPSIM" run "$SWEEP" -o "$RES/shard-\$SLURM_ARRAY_TASK_ID" --jobs "\$SLURM_CPUS_PER_TASK"
EOF

shard_dirs=""
for ((i = 0; i < SHARDS; i++)); do shard_dirs+=" $RES/shard-$i"; done
cat >"$T/merge.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=tcpsim-merge
#SBATCH --time=00:05:00
#SBATCH --output=$T/out/merge.out
set -euo pipefail
exec "$TCPSIM" merge "$RES/merged"$shard_dirs
EOF

cd "$T"
ARRAY=$(sbatch --parsable "$T/sweep.sbatch") || fail "sbatch of the array job was refused"
ARRAY=${ARRAY%%;*}
JOBIDS+=("$ARRAY")
MERGE=$(sbatch --parsable --dependency="afterok:$ARRAY" --kill-on-invalid-dep=yes "$T/merge.sbatch") ||
  fail "sbatch of the merge job was refused"
MERGE=${MERGE%%;*}
JOBIDS+=("$MERGE")
cd - >/dev/null
say "submitted array job $ARRAY (tasks 0-$((SHARDS - 1))) and merge job $MERGE (afterok:$ARRAY)"

# job_states ID: the JobState of the job, or of each task of an array job.
job_states() {
  scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort | uniq -c | tr -s ' \n' ' '
}
finished() { # finished ID: every task of the job is in a final state
  local s
  s=$(scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2) || return 1
  [ -n "$s" ] || return 1
  ! grep -qvE '^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)$' <<<"$s"
}

end=$((SECONDS + TIMEOUT))
last=""
until finished "$ARRAY" && finished "$MERGE"; do
  alive "$SLURMCTLD" slurmctld
  alive "$SLURMD" slurmd
  now="array: $(job_states "$ARRAY")| merge: $(job_states "$MERGE")"
  [ "$now" = "$last" ] || say "$now"
  last=$now
  if [ "$SECONDS" -ge "$end" ]; then
    scontrol -o show job "$ARRAY" >&2 || true
    scontrol -o show job "$MERGE" >&2 || true
    fail "jobs not finished after $TIMEOUT s"
  fi
  sleep 0.5
done
say "array: $(job_states "$ARRAY")| merge: $(job_states "$MERGE")"

bad=$(scontrol -o show job "$ARRAY" | grep -v 'JobState=COMPLETED' || true)
[ -z "$bad" ] || fail "array tasks did not complete:"$'\n'"$bad"
scontrol -o show job "$MERGE" | grep -q 'JobState=COMPLETED' ||
  fail "merge job did not complete: $(scontrol -o show job "$MERGE")"

# --- Check -----------------------------------------------------------------------
for ((i = 0; i < SHARDS; i++)); do
  f=$RES/shard-$i/runs.csv
  [ -s "$f" ] || fail "shard $i wrote no $f"
  rows=$(($(wc -l <"$f") - 1))
  [ "$rows" -ge 1 ] || fail "shard $i ran no runs ($f has no rows)"
  tr -d ' \n' <"$RES/shard-$i/manifest.json" | grep -qF "\"shard\":{\"index\":$i,\"count\":$SHARDS}" ||
    fail "shard $i's manifest.json does not say shard $i of $SHARDS: $(grep -A3 '"shard"' "$RES/shard-$i/manifest.json")"
  say "shard $i: $rows runs"
done

"$T/tcpsim" run "$SWEEP_FILE" -o "$RES/single" --quiet >/dev/null || fail "the single-process run failed"

# strip_wall FILE: FILE without its wall_s column (checked to be the last).
strip_wall() {
  awk -F, -v OFS=, -v f="$1" '
    NR == 1 && $NF != "wall_s" { print f ": last column is \"" $NF "\", not wall_s" > "/dev/stderr"; exit 1 }
    { NF--; print }' "$1"
}
strip_wall "$RES/single/runs.csv" >"$T/single.csv" || fail "cannot read $RES/single/runs.csv"
strip_wall "$RES/merged/runs.csv" >"$T/merged.csv" || fail "cannot read $RES/merged/runs.csv"
want=$(($(wc -l <"$T/single.csv") - 1))
[ "$want" -ge 1 ] || fail "the single-process run has no rows"
if ! diff -u "$T/single.csv" "$T/merged.csv" >"$T/runs.diff"; then
  head -n 40 "$T/runs.diff" >&2
  fail "merged runs.csv differs from the single-process run (wall_s aside); diff above"
fi
say "merged runs.csv = single-process runs.csv ($want runs, wall_s aside)"
