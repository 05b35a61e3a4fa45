#!/usr/bin/env bash
# expose.sh RUN NAME: a TCP port on 127.0.0.1, in the machine's own network namespace, that
# leads to the world's UNIX socket sock/NAME (made by forward.sh; NAME.ssh for a host's sshd).
# Prints the port. Run in the machine's namespaces.
#
# socat runs in the machine's network namespace (to listen there) but in the world's pid
# namespace and the run's cgroup, so it dies with the world however the world ends.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/lib.sh"

run=${1:?usage: expose.sh RUN NAME}; name=${2:?usage: expose.sh RUN NAME}
fleet_check_run "$run"
[[ $name =~ ^[a-z0-9][a-z0-9.-]{0,40}$ ]] || fleet_die "bad socket name '$name'"
world=$(fleet_world_pid "$run")
sock=/proc/$world/root$FLEET_STATE/sock/$name
[ -S "$sock" ] || fleet_die "run $run has no socket $name"
[ ! -e "$sock.port" ] || { cat "$sock.port"; exit 0; }

fleet_cgroup_join "$run" world
nsenter --target "$world" --pid -- \
  socat "TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$sock" < /dev/null > /dev/null 2>&1 &
launcher=$!

# The port the kernel chose: socat's listening socket, found by inode in /proc/PID/net/tcp.
listening_port() {
  local pid=$1 fd inodes=" " sl local rem st rest inode
  for fd in /proc/$pid/fd/*; do
    [[ $(readlink "$fd" 2>/dev/null) =~ ^socket:\[([0-9]+)\]$ ]] && inodes+="${BASH_REMATCH[1]} "
  done
  while read -r sl local rem st _ _ _ _ _ inode rest; do
    [ "$st" = 0A ] && [[ $inodes == *" $inode "* ]] && { printf '%d\n' "0x${local#*:}"; return 0; }
  done < "/proc/$pid/net/tcp"
  return 1
}

for _ in $(seq 300); do
  socat_pid=""
  read -r socat_pid _ < "/proc/$launcher/task/$launcher/children" 2>/dev/null || true
  if [ -n "$socat_pid" ] && port=$(listening_port "$socat_pid" 2>/dev/null); then
    echo "$port" > "$sock.port"
    echo "$port"
    exit 0
  fi
  kill -0 "$launcher" 2>/dev/null || fleet_die "socat for $name exited"
  sleep 0.01
done
fleet_die "socat for $name did not listen"
