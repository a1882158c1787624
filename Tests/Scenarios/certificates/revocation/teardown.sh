#!/usr/bin/env bash
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../pki.sh"
crl_server_stop
headend_scenario_down
