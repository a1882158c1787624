#!/usr/bin/env bash
. "$(dirname "$0")/../../lib.sh"
charon_stop client
charon_stop hub
topology_down
rm -rf "$SCENARIO_STATE"
