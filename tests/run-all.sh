#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need, builds, tests every project,
# and prints the totals as "N passed, N failed". Exit code: 0 only if everything passed.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The browser test (tests/ConsortiumPortal.E2E) drives Debian's chromium through Playwright; it never downloads a
# browser (`playwright install` cannot work here), so install the distribution's package when it is missing.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing Debian's chromium for the browser test (apt-get)..."
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/tmp/run-all-chromium.log 2>&1; then
      echo "Could not install chromium with apt-get (see /tmp/run-all-chromium.log); the browser test will fail." >&2
      tail -n 5 /tmp/run-all-chromium.log >&2
    fi
  else
    echo "/usr/bin/chromium is missing and this is not root: run \`sudo apt-get install -y chromium\`; the browser test will fail." >&2
  fi
fi

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
