#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
dir="$SCENARIO_STATE/ikehub"
mkdir -p "$dir/run" "$dir/state" "$dir/logs"
ip netns exec "$NS_HUB" "$IKEHUB_BIN/ikehub" launch --runtime-dir "$dir/run" --state-dir "$dir/state" \
   --log-dir "$dir/logs" --auth-workers 1 > "$dir/launcher.log" 2>&1 < /dev/null &
echo $! > "$dir/launcher.pid"
for _ in $(seq 1 100); do grep -q 'IKE listening' "$dir/logs/ikehub-ike.log" 2>/dev/null && break; sleep 0.1; done
grep -q 'IKE listening' "$dir/logs/ikehub-ike.log"
# The snippet exactly as the launcher printed it, from "connections {" to the end of "secrets".
key=$(cat "$dir/state/embedded-psk")
sed -n '/^connections {/,/^}$/p; /^secrets {/,/^}$/p' "$dir/launcher.log" \
  | sed -e "s|SERVER|$HUB_IP|" -e "s|<the contents of [^>]*>|$key|" \
        -e "s|remote_ts = 0.0.0.0/0|remote_ts = 100.64.250.0/24|" \
        -e "s|^        remote_addrs = |        encap = yes\n        local_addrs = $CLI_IP\n        remote_addrs = |" > "$SCENARIO_STATE/client.swanctl.conf"
grep -q "secret = \"$key\"" "$SCENARIO_STATE/client.swanctl.conf"
charon_start client client "$SCENARIO_STATE/client.swanctl.conf"
sw client --initiate --child ikehub --timeout 20
