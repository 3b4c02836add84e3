#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need, builds, tests every project,
# and prints the totals as "N passed, N failed". Exit code: 0 only if everything passed.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Projects run one after another: the cluster and crash tests start real node processes and time-sensitive
# Raft elections, which a 2-core machine should not share with another project's test run.
dotnet build ConsortiumPortal.sln -c Release -nologo -v q -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }
dotnet test ConsortiumPortal.sln -c Release --no-build -nologo -m:1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=0; failed=0
while read -r f p; do passed=$((passed + p)); failed=$((failed + f)); done < <(
  sed -nE 's/.*(Passed|Failed)! +- +Failed: +([0-9]+), Passed: +([0-9]+).*/\2 \3/p' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # a crash or build error counts as a failure
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
