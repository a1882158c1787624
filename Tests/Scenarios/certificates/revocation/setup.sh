#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../pki.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius pki python3
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
# Three CAs, one per verify trustpoint of the hub (hub.cfg):
#   file-ca    crl-file (PEM), revocation-check crl; certificates without a distribution point
#   http-ca    revocation-check crl; CRL (DER) at http://10.99.0.1:8080/http-ca.crl
#   lenient-ca revocation-check crl none; CRL at http://10.99.0.1:8080/lenient-ca.crl
# "unreachable" certificates name http://10.99.0.1:8081/…, where nothing listens.
www="$SCENARIO_STATE/crl-www"; mkdir -p "$www"
crl=http://$HUB_IP:8080; nowhere=http://$HUB_IP:8081
pki_root file-ca "File CA"
pki_root http-ca "HTTP CA"
pki_root lenient-ca "Lenient CA"
pki_hub hub file-ca ecdsa 256
pki_client file-good file-ca ecdsa 256
pki_client file-revoked file-ca ecdsa 256
pki_client http-good http-ca ecdsa 256 --crl "$crl/http-ca.crl"
pki_client http-revoked http-ca ecdsa 256 --crl "$crl/http-ca.crl"
pki_client http-unreachable http-ca ecdsa 256 --crl "$nowhere/http-ca.crl"
pki_client lenient-unreachable lenient-ca ecdsa 256 --crl "$nowhere/lenient-ca.crl"
pki_client lenient-revoked lenient-ca ecdsa 256 --crl "$crl/lenient-ca.crl"
pki_crl file-ca "$PKI_DIR/file-ca-crl.pem" file-revoked
pki_crl http-ca "$www/http-ca.crl" http-revoked
pki_crl lenient-ca "$www/lenient-ca.crl" lenient-revoked
crl_server_start "$www"
hub_config
radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_STATE/hub.cfg"
names=(file-good file-revoked http-good http-revoked http-unreachable lenient-unreachable lenient-revoked)
client_credentials file-ca -- "${names[@]}"
{
  echo "connections {"
  for name in "${names[@]}"; do client_connection "$name" "$name" "$name.client.example"; done
  echo "}"
} > "$SCENARIO_STATE/client.swanctl.conf"
charon_start client client "$SCENARIO_STATE/client.swanctl.conf"
