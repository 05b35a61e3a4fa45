#!/usr/bin/env bash
# forward.sh NAME ADDRESS PORT: a UNIX socket $FLEET_STATE/sock/NAME that connects to
# ADDRESS:PORT inside the world (run inside the world). The root namespace reaches it at
# /proc/<world pid>/root/run/fleet/sock/NAME: that is how tests and ssh get to the hosts.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/lib.sh"

name=${1:?usage: forward.sh NAME ADDRESS PORT}; addr=${2:?}; port=${3:?}
[[ $name =~ ^[a-z0-9][a-z0-9.-]{0,40}$ ]] || fleet_die "bad forward name '$name'"
[[ $port =~ ^[0-9]{1,5}$ ]] || fleet_die "bad port '$port'"
sock=$FLEET_STATE/sock/$name
[ ! -e "$sock" ] || fleet_die "forward $name exists already"
fleet_cgroup_join "$FLEET_RUN" world
socat "UNIX-LISTEN:$sock,fork,mode=600" "TCP:$addr:$port" </dev/null >/dev/null 2>>"$FLEET_STATE/forward.log" &
for _ in $(seq 200); do
  [ -S "$sock" ] && exit 0
  kill -0 $! 2>/dev/null || fleet_die "socat for $name exited (see $FLEET_STATE/forward.log)"
  sleep 0.01
done
fleet_die "socket $sock did not appear"
