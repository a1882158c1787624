#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../certificates/pki.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius pki openssl
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
pki_root ca "Scenario CA"
pki_hub hub ca ecdsa 256
# FreeRADIUS's EAP-TLS server certificate (the client's aaa_id) and the clients'.
pki_issue radius ca ecdsa 256 "C=CH, O=IKEHub Scenario, CN=radius.example" --san radius.example --flag serverAuth
pki_issue tls-user ca ecdsa 256 "C=CH, O=IKEHub Scenario, CN=tls-user.client.example" --san tls-user.client.example --flag clientAuth
pki_root other-ca "Other CA"
pki_issue stranger other-ca ecdsa 256 "C=CH, O=Elsewhere, CN=stranger.client.example" --san stranger.client.example --flag clientAuth
hub_config
tls="$SCENARIO_STATE/radius-tls"; mkdir -p "$tls"
cp "$PKI_DIR/radius.crt" "$tls/radius.crt"; cp "$PKI_DIR/ca.crt" "$tls/ca.crt"
openssl pkey -in "$PKI_DIR/radius.key" -out "$tls/radius.key"
RADIUS_EAP=1 RADIUS_EAP_TLS="$tls" radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_STATE/hub.cfg"
client_credentials ca -- tls-user stranger
charon_start client client "$SCENARIO_DIR/client.swanctl.conf"
sw client --initiate --child tls --timeout 30
