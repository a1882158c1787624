#!/usr/bin/env bash
. "$(dirname "$0")/../../lib.sh"
charon_stop client
ikehub_stop
topology_down
rm -rf "$SCENARIO_STATE"
