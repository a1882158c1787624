#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_DIR/hub.cfg"
# updown's dns_handler takes the CFG_REPLY DNS servers and passes them to the updown script.
for inst in client cisco; do mkdir -p "$SCENARIO_STATE/$inst"; cp "$SCENARIO_DIR/updown.sh" "$SCENARIO_STATE/$inst/"; done
CHARON_OPTIONS='plugins { updown { dns_handler = yes } }' charon_start client client "$SCENARIO_DIR/client.swanctl.conf"
CHARON_OPTIONS='cisco_flexvpn = yes
plugins { updown { dns_handler = yes } }' charon_start cisco lan "$SCENARIO_DIR/cisco.swanctl.conf"
sw client --initiate --child alice --timeout 20
