#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../pki.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius pki
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
# root ─┬─ Hub Sub CA ──── hub.example            (the hub's certificate-file: both)
#       ├─ Client Sub CA ─ chained.client.example (the client has this intermediate)
#       └─ Other Sub CA ── orphan.client.example  (nobody has this intermediate)
# The hub's ca-certificate-file and the client's x509ca hold the root only (plus the client's
# own intermediate, which it sends).
pki_root root "Scenario Root CA"
pki_issue hub-sub root ecdsa 256 "C=CH, $PKI_ORG, CN=Hub Sub CA" --ca
pki_issue client-sub root ecdsa 256 "C=CH, $PKI_ORG, CN=Client Sub CA" --ca
pki_issue other-sub root ecdsa 256 "C=CH, $PKI_ORG, CN=Other Sub CA" --ca
pki_hub hub hub-sub ecdsa 256
cat "$PKI_DIR/hub.crt" "$PKI_DIR/hub-sub.crt" > "$PKI_DIR/hub-chain.crt"
pki_client chained client-sub ecdsa 256
pki_client orphan other-sub ecdsa 256
hub_config
radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_STATE/hub.cfg"
client_credentials root client-sub -- chained orphan
{
  echo "connections {"
  client_connection chained chained chained.client.example
  client_connection orphan orphan orphan.client.example
  echo "}"
} > "$SCENARIO_STATE/client.swanctl.conf"
charon_start client client "$SCENARIO_STATE/client.swanctl.conf"
