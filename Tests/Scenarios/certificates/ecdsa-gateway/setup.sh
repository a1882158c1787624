#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../pki.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius pki
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
# A CA, the hub's ECDSA certificate, ECDSA and RSA client certificates, one from a stranger
# CA and one expired — all made here with strongSwan's pki (../pki.sh).
pki_root ca "Scenario CA"
pki_hub hub ca ecdsa 256
pki_client ecdsa ca ecdsa 256
pki_client rsa ca rsa 2048
pki_root other-ca "Other CA"
pki_client stranger other-ca ecdsa 256
pki_client expired ca ecdsa 256 --not-before "01.01.20 00:00:00" --not-after "01.01.21 00:00:00"
hub_config
radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_STATE/hub.cfg"
client_credentials ca -- ecdsa rsa stranger expired
charon_start client client "$SCENARIO_DIR/client.swanctl.conf"
sw client --initiate --child ecdsa --timeout 20
