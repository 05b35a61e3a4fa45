#!/usr/bin/env bash
# host-up.sh HOST IP [USER]: creates a host in this world and boots it (run inside the world).
# The root is an overlay of the machine's own / (read-only lower) with a tmpfs upper: same
# packages as the machine, own /etc, /var, identity, SSH host key. USER (default root) is
# the account the operator's key logs into; any other user gets passwordless sudo.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/lib.sh"

h=${1:?usage: host-up.sh HOST IP [USER]}; ip=${2:?usage: host-up.sh HOST IP [USER]}; user=${3:-root}
fleet_check_host "$h"
[[ $ip =~ ^10\.66\.0\.([0-9]+)$ ]] && (( BASH_REMATCH[1] >= 2 && BASH_REMATCH[1] <= 254 )) \
  || fleet_die "bad address '$ip' (want 10.66.0.2 to 10.66.0.254)"
[[ $user =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || fleet_die "bad user name '$user'"
fleet_cgroup_join "$FLEET_RUN" world
S=$FLEET_STATE; D=$S/hosts/$h; M=$D/merged
[ ! -e "$D" ] || fleet_die "host $h exists already"

mkdir -p "$D/upper" "$D/work" "$M"
mount -t overlay "fleet-$FLEET_RUN-$h" -o "lowerdir=/,upperdir=$D/upper,workdir=$D/work" "$M"

# Identity: nspawn refuses a machine-id equal to the machine's; ssh clients must see a new key.
systemd-id128 new > "$M/etc/machine-id"
echo "$h" > "$M/etc/hostname"
{ printf '127.0.0.1 localhost\n127.0.1.1 %s\n' "$h"; grep -v '^127\.' "$S/etc-hosts" || true; } > "$M/etc/hosts"
rm -f "$M"/etc/ssh/ssh_host_*
ssh-keygen -q -t ed25519 -N '' -C "root@$h" -f "$M/etc/ssh/ssh_host_ed25519_key"
cp "$M/etc/ssh/ssh_host_ed25519_key.pub" "$D/host_key.pub"
printf 'HostKey /etc/ssh/ssh_host_ed25519_key\nUseDNS no\n' > "$M/etc/ssh/sshd_config.d/fleet.conf"

# The operator's key, for root or for a sudo user.
if [ "$user" = root ]; then
  home=$M/root
else
  chroot "$M" useradd --create-home --shell /bin/bash "$user"
  home=$M/home/$user
  printf '%s ALL=(ALL:ALL) NOPASSWD: ALL\n' "$user" > "$M/etc/sudoers.d/fleet-$user"
  chmod 440 "$M/etc/sudoers.d/fleet-$user"
fi
install -d -m 700 "$home/.ssh"
install -m 600 "$S/op/id_ed25519.pub" "$home/.ssh/authorized_keys"
chroot "$M" chown -R "$user:" "${home#$M}/.ssh"

# A bare server: packages installed, their daemons off until provisioning turns them on.
# console-getty would fight over the console; timesyncd cannot set a shared clock.
for unit in haproxy.service postgresql.service nftables.service; do
  [ -e "$M/lib/systemd/system/$unit" ] && systemctl --root="$M" --quiet disable "$unit" 2>/dev/null
done
systemctl --root="$M" --quiet mask systemd-timesyncd.service console-getty.service

# Static address on host0 (the name must sort before 80-container-host0.network's DHCP).
printf '[Match]\nName=host0\n\n[Network]\nAddress=%s/24\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n' "$ip" \
  > "$M/etc/systemd/network/10-host0.network"
systemctl --root="$M" --quiet enable systemd-networkd.service
systemctl --root="$M" --quiet mask systemd-networkd-wait-online.service

echo "$ip" > "$D/address"
echo "$user" > "$D/user"
( flock 9; printf '%s,%s %s\n' "$h" "$ip" "$(cut -d' ' -f1,2 "$D/host_key.pub")" >> "$S/op/known_hosts" ) 9>>"$S/op/known_hosts.lock"

"$here/forward.sh" "$h.ssh" "$ip" 22
exec "$here/host-boot.sh" "$h"
