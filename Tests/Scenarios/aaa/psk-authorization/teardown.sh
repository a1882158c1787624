#!/usr/bin/env bash
. "$(dirname "$0")/../../lib.sh"
charon_stop cisco
headend_scenario_down
