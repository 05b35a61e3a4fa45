#!/usr/bin/env bash
# host-power.sh HOST off|kill: powers a host down, keeping its disk (run inside the world).
#   off   a clean shutdown: SIGTERM to systemd-nspawn makes the host's systemd power off
#         (hard kill after 30 s);
#   kill  pulling the plug: cgroup.kill on the host's cgroup, nothing inside gets to react.
# host-boot.sh boots it again on the same disk.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/lib.sh"

h=${1:?usage: host-power.sh HOST off|kill}; how=${2:?usage: host-power.sh HOST off|kill}
fleet_check_host "$h"
D=$FLEET_STATE/hosts/$h
[ -d "$D" ] || fleet_die "no host $h"
cg=$(fleet_cgroup_v2)/fleet-$FLEET_RUN/$h

case $how in
  off)
    read -r pid < "$D/nspawn.pid"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 600); do
      fleet_cgroup_empty "$cg" && exit 0
      sleep 0.05
    done
    echo "fleet: host $h did not power off in 30 s; killing it" >&2
    fleet_cgroup_kill "$cg"
    ;;
  kill)
    fleet_cgroup_kill "$cg"
    ;;
  *) fleet_die "usage: host-power.sh HOST off|kill" ;;
esac
