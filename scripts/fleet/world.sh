#!/usr/bin/env bash
# world.sh RUN: creates the run's world and keeps it until this script ends, then removes
# every trace of it (cgroups, registry). Runs in the machine's own namespaces, as root.
#
# Prints "world PID" (the world's PID 1 as seen from here) and then "ready" on stdout.
# Ends on SIGTERM/SIGINT/SIGHUP or when the world dies. Whoever starts it ties it to its own
# life with `setpriv --pdeathsig TERM` (the test helper does); the world is tied to this
# script by `setpriv --pdeathsig KILL` and unshare's --kill-child. So a SIGKILLed test
# process still takes everything down: its death TERMs this script, which cgroup.kills the run.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/lib.sh"

run=${1:?usage: world.sh RUN}
fleet_check_run "$run"
reg=$FLEET_BASE/$run
trap '' PIPE                        # the reader of our stdout may be dead during cleanup

mkdir -p "$FLEET_BASE"
mkdir "$reg" 2>/dev/null || fleet_die "fleet run '$run' already exists ($reg)"
echo "$$ $(fleet_starttime $$)" > "$reg/owner"
# fleet-sim runs us detached, with nobody reading stdout: then the registry keeps the log.
[ "${FLEET_DETACHED:-}" = 1 ] && exec >> "$reg/world.log" 2>&1 < /dev/null

cleanup() {
  # Ignore further signals until done. A dying multi-threaded parent (node) hands us from
  # thread to thread as they exit, and PDEATHSIG fires at each hand-over: strace showed 2-3
  # SIGTERMs from one SIGKILLed test process, and the second one cut the cleanup short.
  trap - EXIT
  trap '' TERM INT HUP
  fleet_cgroup_remove "$run" >&2 || true
  fleet_registry_remove "$run"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# Started by a process that died before setpriv armed PDEATHSIG: nobody would ever stop us.
if [ -n "${FLEET_PARENT:-}" ] && [ "$(awk '{print $4}' /proc/$$/stat)" != "$FLEET_PARENT" ]; then
  fleet_die "parent $FLEET_PARENT is gone"
fi

fleet_remove_stale >&2 || true

(
  fleet_cgroup_join "$run" world
  exec setpriv --pdeathsig KILL -- \
    unshare --mount --net --pid --uts --ipc --fork --kill-child --mount-proc --propagation private -- \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
      FLEET_RUN="$run" bash "$here/world-init.sh"
) &
unshare_pid=$!

# The world's PID 1 is the child of unshare that is PID 1 of a pid namespace one level down
# (until the subshell above has exec'd unshare, its children are command substitutions).
world=""
for _ in $(seq 500); do
  for child in $(cat "/proc/$unshare_pid/task/$unshare_pid/children" 2>/dev/null); do
    [[ $(grep '^NSpid:' "/proc/$child/status" 2>/dev/null) =~ ^NSpid:[[:space:]]+$child[[:space:]]+1$ ]] && world=$child
  done
  [ -n "$world" ] && break
  kill -0 "$unshare_pid" 2>/dev/null || break
  sleep 0.01
done
[ -n "$world" ] || fleet_die "the world did not start"
echo "$world" > "$reg/world.pid"
echo "world $world"

set +e
while :; do
  wait "$unshare_pid"
  rc=$?
  kill -0 "$unshare_pid" 2>/dev/null || break
done
echo "fleet: world of run '$run' ended (status $rc)" >&2
exit 1
