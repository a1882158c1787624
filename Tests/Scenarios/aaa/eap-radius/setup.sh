#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../certificates/pki.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius pki
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
# The gateway's certificate (EAP clients authenticate the server by it).
pki_root ca "Scenario CA"
pki_hub hub ca ecdsa 256
# The laptop's machine certificate for the certificate-then-EAP client.
pki_client laptop ca ecdsa 256
hub_config
RADIUS_EAP=1 radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_STATE/hub.cfg"
client_credentials ca -- laptop
charon_start client client "$SCENARIO_DIR/client.swanctl.conf"
sw client --initiate --child mschapv2 --timeout 20
