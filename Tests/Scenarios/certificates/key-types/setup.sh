#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../pki.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius pki
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
# An RSA-3072 root CA; the hub signs with an RSA-2048 key; one client per key type and
# signature padding.
pki_root ca "Scenario RSA CA" rsa 3072
pki_hub hub ca rsa 2048
pki_client rsa2048 ca rsa 2048
pki_client rsa3072 ca rsa 3072
pki_client p256 ca ecdsa 256
pki_client p384 ca ecdsa 384
hub_config
radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_STATE/hub.cfg"
client_credentials ca -- rsa2048 rsa3072 p256 p384
# PKCS#1 v1.5 (auth = pubkey) and RSASSA-PSS (auth = rsa/pss-sha256) with each RSA key.
{
  echo "connections {"
  client_connection rsa2048 rsa2048 rsa2048.client.example pubkey-sha256
  client_connection rsa2048-pss rsa2048 rsa2048.client.example rsa/pss-sha256
  client_connection rsa3072 rsa3072 rsa3072.client.example pubkey-sha256
  client_connection rsa3072-pss rsa3072 rsa3072.client.example rsa/pss-sha256
  client_connection p256 p256 p256.client.example
  client_connection p384 p384 p384.client.example
  echo "}"
} > "$SCENARIO_STATE/client.swanctl.conf"
charon_start client client "$SCENARIO_STATE/client.swanctl.conf"
