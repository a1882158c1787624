#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../pki.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius pki
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
# One CA; the hub's only profile takes certificates of OU=Engineering (certificate map).
pki_root ca "Scenario CA"
pki_hub hub ca ecdsa 256
engineer() {  # engineer NAME [options…]: an OU=Engineering client certificate
  local name=$1; shift
  pki_issue "$name" ca ecdsa 256 "C=CH, $PKI_ORG, OU=Engineering, CN=$name.client.example" \
            --san "$name.client.example" --flag clientAuth "$@"
}
engineer engineer
pki_issue sales ca ecdsa 256 "C=CH, $PKI_ORG, OU=Sales, CN=sales.client.example" \
          --san sales.client.example --flag clientAuth
# Valid from a year from now on (pki's dates are dd.mm.yy).
engineer future --not-before "$(date -u -d '+1 year' '+%d.%m.%y %T')" --not-after "$(date -u -d '+2 years' '+%d.%m.%y %T')"
engineer impostor
hub_config
radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_STATE/hub.cfg"
client_credentials ca -- engineer sales future impostor
{
  echo "connections {"
  client_connection engineer engineer engineer.client.example
  client_connection sales sales sales.client.example
  client_connection future future future.client.example
  # strongSwan replaces an IDi its certificate does not confirm by the subject DN, but takes
  # a wildcard it matches as confirmed and sends it as is: IDi "*.client.example" is no
  # subjectAltName of the certificate (IKEHub does not expand wildcards in IDi).
  client_connection impostor impostor '*.client.example'
  echo "}"
} > "$SCENARIO_STATE/client.swanctl.conf"
charon_start client client "$SCENARIO_STATE/client.swanctl.conf"
