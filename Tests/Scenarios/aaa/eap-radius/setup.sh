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
# The laptop's machine certificate for the certificate-then-EAP client.
pki --gen --type ecdsa --size 256 --outform pem > "$p/laptop.key" 2>/dev/null
pki --pub --in "$p/laptop.key" --type ecdsa | pki --issue --lifetime 30 --cacert "$p/ca.crt" --cakey "$p/ca.key" \
    --dn "C=CH, O=IKEHub Scenario, CN=laptop.client.example" --san laptop.client.example --flag clientAuth --outform pem > "$p/laptop.crt"
sed "s|@STATE@|$SCENARIO_STATE|g" "$SCENARIO_DIR/hub.cfg" > "$SCENARIO_STATE/hub.cfg"
RADIUS_EAP=1 radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_STATE/hub.cfg"
mkdir -p "$SCENARIO_STATE/client/swanctl/x509ca" "$SCENARIO_STATE/client/swanctl/x509" "$SCENARIO_STATE/client/swanctl/private"
cp "$p/ca.crt" "$SCENARIO_STATE/client/swanctl/x509ca/"
cp "$p/laptop.crt" "$SCENARIO_STATE/client/swanctl/x509/"
cp "$p/laptop.key" "$SCENARIO_STATE/client/swanctl/private/"
charon_start client client "$SCENARIO_DIR/client.swanctl.conf"
sw client --initiate --child mschapv2 --timeout 20
