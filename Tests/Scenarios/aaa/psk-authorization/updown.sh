#!/bin/sh
# updown script of the scenario's clients: records what each CHILD_SA came up with,
# including the DNS servers of CFG_REPLY (updown's dns_handler passes them as PLUTO_DNS4_n).
echo "$PLUTO_VERB $PLUTO_CONNECTION vip=$PLUTO_MY_SOURCEIP dns1=${PLUTO_DNS4_1:-none} dns2=${PLUTO_DNS4_2:-none}" >> "$(dirname "$0")/updown.log"
