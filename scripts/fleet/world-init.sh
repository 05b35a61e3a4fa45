#!/usr/bin/env bash
# world-init.sh: PID 1 of a world (started by world.sh inside fresh namespaces).
# Private /run (so nspawn's /run/systemd/nspawn is a tmpfs and nothing reaches the disk), a
# bridge with no route off the machine, the operator's key; then it idles until killed.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/lib.sh"
S=$FLEET_STATE

hostname "fleet-$FLEET_RUN"
ip link set lo up
mount -t tmpfs -o mode=755,size=6g "fleet-$FLEET_RUN" /run   # the source names the run in mountinfo
mkdir -p "$S/hosts" "$S/sock" "$S/op" /run/systemd /run/lock
chmod 700 "$S/op" "$S/sock"

ip link add "$FLEET_BRIDGE" type bridge
ip addr add "$FLEET_OPERATOR_IP/24" dev "$FLEET_BRIDGE"
ip link set "$FLEET_BRIDGE" up

ssh-keygen -q -t ed25519 -N '' -C "operator@fleet-$FLEET_RUN" -f "$S/op/id_ed25519"
: > "$S/op/known_hosts"
printf '127.0.0.1 localhost\n' > "$S/etc-hosts"
mount --bind "$S/etc-hosts" /etc/hosts         # the operator's names for the hosts, world only

echo ready
exec 1>/dev/null                                # nobody reads our stdout after this
set +e
while :; do sleep 3600 & wait $!; done          # PID 1 of the pid namespace: reaps orphans
