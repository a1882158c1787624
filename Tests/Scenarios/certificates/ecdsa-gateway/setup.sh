#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius pki
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
# A CA, the hub's ECDSA certificate, ECDSA and RSA client certificates, one from a stranger
# CA and one expired — all made here with strongSwan's pki.
p="$SCENARIO_STATE/pki"; mkdir -p "$p"
pki --gen --type ecdsa --size 256 --outform pem > "$p/ca.key" 2>/dev/null
pki --self --ca --lifetime 30 --in "$p/ca.key" --type ecdsa --dn "C=CH, O=IKEHub Scenario, CN=Scenario CA" --outform pem > "$p/ca.crt"
pki --gen --type ecdsa --size 256 --outform pem > "$p/hub.key" 2>/dev/null
pki --pub --in "$p/hub.key" --type ecdsa | pki --issue --lifetime 30 --cacert "$p/ca.crt" --cakey "$p/ca.key" \
    --dn "C=CH, O=IKEHub Scenario, CN=hub.example" --san hub.example --flag serverAuth --outform pem > "$p/hub.crt"
issue() {  # issue NAME TYPE SIZE CA-PREFIX [pki options…]
  local name=$1 type=$2 size=$3 ca=$4; shift 4
  pki --gen --type "$type" --size "$size" --outform pem > "$p/$name.key" 2>/dev/null
  pki --pub --in "$p/$name.key" --type "$type" | pki --issue --cacert "$p/$ca.crt" --cakey "$p/$ca.key" \
      --dn "C=CH, O=IKEHub Scenario, CN=$name.client.example" --san "$name.client.example" --flag clientAuth \
      --outform pem "$@" > "$p/$name-client.crt"
}
issue ecdsa ecdsa 256 ca --lifetime 30
issue rsa rsa 2048 ca --lifetime 30
pki --gen --type ecdsa --size 256 --outform pem > "$p/other-ca.key" 2>/dev/null
pki --self --ca --lifetime 30 --in "$p/other-ca.key" --type ecdsa --dn "C=CH, O=Elsewhere, CN=Other CA" --outform pem > "$p/other-ca.crt"
issue stranger ecdsa 256 other-ca --lifetime 30
issue expired ecdsa 256 ca --not-before "01.01.20 00:00:00" --not-after "01.01.21 00:00:00"
sed "s|@STATE@|$SCENARIO_STATE|g" "$SCENARIO_DIR/hub.cfg" > "$SCENARIO_STATE/hub.cfg"
radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_STATE/hub.cfg"
mkdir -p "$SCENARIO_STATE/client/swanctl/x509" "$SCENARIO_STATE/client/swanctl/x509ca" "$SCENARIO_STATE/client/swanctl/private"
cp "$p/ca.crt" "$SCENARIO_STATE/client/swanctl/x509ca/"
for name in ecdsa rsa stranger expired; do
  cp "$p/$name-client.crt" "$SCENARIO_STATE/client/swanctl/x509/"
  cp "$p/$name.key" "$SCENARIO_STATE/client/swanctl/private/$name.key"
done
charon_start client client "$SCENARIO_DIR/client.swanctl.conf"
sw client --initiate --child ecdsa --timeout 20
