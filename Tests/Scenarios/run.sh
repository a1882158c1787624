#!/usr/bin/env bash
# Tests/Scenarios/run.sh [SCENARIO_DIR …] — runs scenarios, prints each check, and ends with
# "N passed, N failed, N skipped" (a scenario is one test: it passes when every check does).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -eq 0 ]; then
  mapfile -t scenarios < <(find "$here" -mindepth 2 -maxdepth 3 -name setup.sh -printf '%h\n' | sort)
else
  scenarios=("$@")
fi
passed=0; failed=0; skipped=0
for dir in "${scenarios[@]}"; do
  dir=$(cd "$dir" && pwd); name=${dir#"$here"/}
  export SCENARIO_PREFIX="ikh$$$(( passed + failed + skipped ))"
  export SCENARIO_STATE="/tmp/$SCENARIO_PREFIX"
  export SCENARIO_DIR="$dir"
  echo "== scenario $name"
  if [ -f "$dir/PENDING" ]; then
    # A scenario of an issue still in progress: reported as skipped with its reason.
    echo "   skipped (pending): $(head -1 "$dir/PENDING")"
    skipped=$((skipped + 1))
    continue
  fi
  started=$(date +%s)
  bash "$dir/setup.sh" > "/tmp/$SCENARIO_PREFIX-setup.log" 2>&1
  status=$?
  if [ $status -eq 77 ]; then
    echo "   skipped: $(grep '^SKIP:' "/tmp/$SCENARIO_PREFIX-setup.log" | head -1 | cut -c7-)"
    skipped=$((skipped + 1))
    bash "$dir/teardown.sh" >/dev/null 2>&1
    continue
  fi
  ok=1
  if [ $status -ne 0 ]; then
    echo "   setup failed ($status):"; tail -30 "/tmp/$SCENARIO_PREFIX-setup.log" | sed 's/^/   | /'
    ok=0
  else
    # lib.sh derives the namespace names from this scenario's prefix.
    unset NS_HUB NS_CLI NS_LAN
    . "$here/lib.sh"
    while IFS= read -r line; do
      case "$line" in ''|'#'*) continue ;; esac
      host=${line%%::*}; rest=${line#*::}; command=${rest%%::*}; pattern=${rest#*::}
      negate=0; case "$pattern" in '!'*) negate=1; pattern=${pattern#!} ;; esac
      if [ "$host" = local ]; then output=$(bash -c ". '$here/lib.sh'; $command" 2>&1)
      else output=$(ip netns exec "$(ns_of "$host")" bash -c "$command" 2>&1); fi
      # A here-string, not a pipe: under pipefail, grep -q leaving at its first match could make
      # the writer die of SIGPIPE and turn a match into a failure.
      if grep -Eq -- "$pattern" <<<"$output"; then matched=1; else matched=0; fi
      if [ $matched -ne $negate ]; then echo "   ok    $host: $command ~ ${line##*::}"
      else
        echo "   FAIL  $host: $command ~ ${line##*::}"; printf '%s\n' "$output" | tail -15 | sed 's/^/   | /'
        ok=0
      fi
    done < "$dir/expect"
  fi
  if [ $ok -eq 0 ] && [ -n "${SCENARIO_LOGS_ON_FAILURE:-1}" ]; then
    for log in "$SCENARIO_STATE"/*/charon.log "$SCENARIO_STATE"/*.log; do
      [ -f "$log" ] && { echo "   --- $log (last 25 lines)"; tail -25 "$log" | sed 's/^/   | /'; }
    done
  fi
  bash "$dir/teardown.sh" > "/tmp/$SCENARIO_PREFIX-teardown.log" 2>&1 || { echo "   teardown failed:"; tail -10 "/tmp/$SCENARIO_PREFIX-teardown.log"; }
  if [ $ok -eq 1 ]; then passed=$((passed + 1)); echo "   passed in $(( $(date +%s) - started )) s"
  else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
