#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_DIR/hub.cfg"
charon_start client client "$SCENARIO_DIR/client.swanctl.conf"
sw client --initiate --child first --timeout 20
