# Shared by the fleet simulator's scripts (sourced, never run). See docs/fleet-simulator.md.
#
# One run = one "world": an unshare'd mount/net/pid/uts/ipc namespace holding a bridge and one
# systemd-nspawn container per host. The only things a run leaves in the machine's own
# namespaces are its registry directory and its cgroup trees, both named after the run.

FLEET_BASE=/run/cronwarden-fleet   # root namespace: one registry directory per run
FLEET_STATE=/run/fleet             # inside a world: its private tmpfs (keys, overlays, sockets)
FLEET_BRIDGE=br0
FLEET_OPERATOR_IP=10.66.0.1

fleet_die() { echo "fleet: $*" >&2; exit 1; }

# Run names end up in cgroup, directory and file names.
fleet_check_run() {
  [[ $1 =~ ^[a-z0-9][a-z0-9-]{0,39}$ ]] || fleet_die "bad run name '$1' (want [a-z0-9-], at most 40)"
}

# Host names become hostnames and the container's veth "vb-NAME" (15 bytes at most).
fleet_check_host() {
  [[ $1 =~ ^[a-z][a-z0-9-]{0,11}$ ]] || fleet_die "bad host name '$1' (want [a-z][a-z0-9-], at most 12)"
}

# The cgroup hierarchies a run lives in: cgroup2 (where cgroup.kill works) and, on hybrid
# machines, the v1 name=systemd tree that systemd-nspawn also uses.
fleet_cgroup_roots() {
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    echo /sys/fs/cgroup
  else
    [ -f /sys/fs/cgroup/unified/cgroup.controllers ] || fleet_die "no cgroup2 hierarchy mounted"
    echo /sys/fs/cgroup/unified
    [ -d /sys/fs/cgroup/systemd ] && echo /sys/fs/cgroup/systemd
  fi
  return 0
}
fleet_cgroup_v2() { fleet_cgroup_roots | head -n1; }

# fleet_cgroup_join RUN PART: moves the calling shell into fleet-RUN/PART in every hierarchy.
fleet_cgroup_join() {
  local root
  for root in $(fleet_cgroup_roots); do
    mkdir -p "$root/fleet-$1/$2"
    echo "$BASHPID" > "$root/fleet-$1/$2/cgroup.procs"
  done
}

# fleet_cgroup_empty DIR: true when no process is left in the cgroup2 subtree DIR.
fleet_cgroup_empty() {
  [ ! -d "$1" ] || grep -qx 'populated 0' "$1/cgroup.events"
}

# fleet_cgroup_kill DIR: SIGKILLs every process in the cgroup2 subtree DIR and waits (30 s at
# most: a loaded machine may take seconds to reap a host's processes) until it is empty. SIGKILL to systemd-nspawn alone would leave the host's systemd running.
fleet_cgroup_kill() {
  local i
  [ -d "$1" ] || return 0
  fleet_cgroup_empty "$1" && return 0
  echo 1 > "$1/cgroup.kill"
  for i in $(seq 600); do
    fleet_cgroup_empty "$1" && return 0
    sleep 0.05
  done
  echo "fleet: processes still in $1 after cgroup.kill" >&2
  return 1
}

# fleet_cgroup_remove RUN [PART]: kills, then removes fleet-RUN (or fleet-RUN/PART) everywhere.
fleet_cgroup_remove() {
  local sub="fleet-$1${2:+/$2}" root
  fleet_cgroup_kill "$(fleet_cgroup_v2)/$sub" || return 1
  for root in $(fleet_cgroup_roots); do
    [ -d "$root/$sub" ] && find "$root/$sub" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  for root in $(fleet_cgroup_roots); do
    [ ! -d "$root/$sub" ] || { echo "fleet: could not remove $root/$sub" >&2; return 1; }
  done
  return 0
}

# fleet_alive PID STARTTIME: true when PID is still the process that started at STARTTIME
# and has not exited (a killed owner stays a zombie until its new parent reaps it).
fleet_alive() {
  local fields
  fields=$(fleet_stat "$1") || return 1
  read -r -a fields <<< "$fields"
  [ "${fields[0]}" != Z ] && [ "${fields[0]}" != X ] && [ "${fields[19]}" = "$2" ]
}
fleet_starttime() {
  local fields
  fields=$(fleet_stat "$1") || return 1
  read -r -a fields <<< "$fields"
  echo "${fields[19]}"              # field 22 of stat: start time in clock ticks
}
# The fields of /proc/PID/stat after "PID (comm) " (comm may hold spaces): state first.
fleet_stat() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  echo "${stat##*) }"
}

# fleet_remove_stale: removes runs whose owner died without cleaning up (SIGKILLed, machine
# crash before reboot), and cgroup trees of runs that no longer have a registry directory.
fleet_remove_stale() {
  local reg run owner root dir
  for reg in "$FLEET_BASE"/*/; do
    [ -d "$reg" ] || continue
    run=$(basename "$reg")
    if [ -f "$reg/owner" ]; then
      read -r owner < "$reg/owner" || continue
      fleet_alive $owner && continue
    elif [ -n "$(find "$reg" -maxdepth 0 -mmin -1)" ]; then
      continue                      # a run still writing its owner file
    fi
    fleet_cgroup_remove "$run" && fleet_registry_remove "$run"
  done
  for root in $(fleet_cgroup_roots); do
    for dir in "$root"/fleet-*/; do
      [ -d "$dir" ] || continue
      run=$(basename "$dir"); run=${run#fleet-}
      [ -d "$FLEET_BASE/$run" ] && continue
      fleet_cgroup_remove "$run" || true
    done
  done
}

fleet_registry_remove() {
  local reg=$FLEET_BASE/$1
  rm -f "$reg/owner" "$reg/world.pid" "$reg/world.log"
  rmdir "$reg" 2>/dev/null || true
}

# fleet_world_pid RUN: the world's PID 1 as seen from the root namespace (fails when not running).
fleet_world_pid() {
  local pid
  [ -f "$FLEET_BASE/$1/world.pid" ] || fleet_die "no fleet run '$1' (see: fleet-sim status)"
  read -r pid < "$FLEET_BASE/$1/world.pid"
  [ -d "/proc/$pid" ] || fleet_die "fleet run '$1' is not running (world PID $pid is gone)"
  echo "$pid"
}

# fleet_host_pid RUN HOST: the host's systemd (its PID 1) as seen from the root namespace:
# PID 1 of the third pid namespace down (machine, world, host), once it is systemd itself.
fleet_host_pid() {
  local dir pid
  dir=$(fleet_cgroup_v2)/fleet-$1/$2
  [ -d "$dir" ] || return 1
  for pid in $(find "$dir" -maxdepth 3 -name cgroup.procs -exec cat {} +); do
    [[ $(grep '^NSpid:' "/proc/$pid/status" 2>/dev/null) =~ ^NSpid:[[:space:]]+$pid[[:space:]]+[0-9]+[[:space:]]+1$ ]] || continue
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ] && { echo "$pid"; return 0; }
  done
  return 1
}
