#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius pki
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
# The gateway's certificate (EAP clients authenticate the server by it).
p="$SCENARIO_STATE/pki"; mkdir -p "$p"
pki --gen --type ecdsa --size 256 --outform pem > "$p/ca.key" 2>/dev/null
pki --self --ca --lifetime 30 --in "$p/ca.key" --type ecdsa --dn "C=CH, O=IKEHub Scenario, CN=Scenario CA" --outform pem > "$p/ca.crt"
pki --gen --type ecdsa --size 256 --outform pem > "$p/hub.key" 2>/dev/null
pki --pub --in "$p/hub.key" --type ecdsa | pki --issue --lifetime 30 --cacert "$p/ca.crt" --cakey "$p/ca.key" \
    --dn "C=CH, O=IKEHub Scenario, CN=hub.example" --san hub.example --flag serverAuth --outform pem > "$p/hub.crt"
sed "s|@STATE@|$SCENARIO_STATE|g" "$SCENARIO_DIR/hub.cfg" > "$SCENARIO_STATE/hub.cfg"
RADIUS_EAP=1 radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_STATE/hub.cfg"
mkdir -p "$SCENARIO_STATE/client/swanctl/x509ca"
cp "$p/ca.crt" "$SCENARIO_STATE/client/swanctl/x509ca/"
charon_start client client "$SCENARIO_DIR/client.swanctl.conf"
# Both kinds of client work while FreeRADIUS is up; then they leave.
sw client --initiate --child eap --timeout 20
sw client --initiate --child psk --timeout 20
sw client --terminate --ike eap --timeout 10
sw client --terminate --ike psk --timeout 10
ikehub_pid ikehub-ike > "$SCENARIO_STATE/ike-pid"
