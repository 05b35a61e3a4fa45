#!/usr/bin/env bash
# host-boot.sh HOST: boots (or boots again, after a power-off) an existing host (run inside
# the world). Returns at once; the host's systemd comes up in the background.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/lib.sh"

h=${1:?usage: host-boot.sh HOST}
fleet_check_host "$h"
D=$FLEET_STATE/hosts/$h
[ -d "$D/merged/etc" ] || fleet_die "no host $h"
if [ -f "$D/nspawn.pid" ] && kill -0 "$(cat "$D/nspawn.pid")" 2>/dev/null; then
  fleet_die "host $h is running already"
fi
# A host powered off or killed leaves its cgroup behind; nspawn wants a fresh one.
fleet_cgroup_remove "$FLEET_RUN" "$h"

# One cgroup per host: nspawn creates payload/ and supervisor/ inside the one it starts in.
(
  fleet_cgroup_join "$FLEET_RUN" "$h"
  exec systemd-nspawn --quiet --boot --register=no --keep-unit --settings=no \
    --directory="$D/merged" --machine="$h" --hostname="$h" --network-bridge="$FLEET_BRIDGE" \
    --link-journal=no --resolv-conf=off --timezone=off --bind=/dev/net/tun --console=passive
) >> "$D/console.log" 2>&1 < /dev/null &
echo $! > "$D/nspawn.pid"
