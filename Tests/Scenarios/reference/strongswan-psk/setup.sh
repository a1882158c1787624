#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec"
topology_up
charon_start hub hub "$SCENARIO_DIR/hub.swanctl.conf"
charon_start client client "$SCENARIO_DIR/client.swanctl.conf"
sw client --initiate --child psk --timeout 20
