#!/usr/bin/env bash
# Builds and runs every test project, then prints one line: "N passed, N failed, N skipped".
# PostgreSQL tests run when LEAP_TEST_POSTGRES holds a connection string (see README); otherwise they are
# reported as skipped.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -z "${LEAP_TEST_POSTGRES:-}" ]; then
  echo "note: LEAP_TEST_POSTGRES is not set, so the PostgreSQL half of the suite is skipped (see README)." >&2
fi

# Every test project that starts a server writes its logs next to its binaries (server-logs.txt).
rm -f tests/*/bin/Release/net10.0/server-logs.txt
log="$(mktemp)"
dotnet test Leap.slnx -c Release 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# VSTest prints one "Passed!/Failed!  - Failed: N, Passed: N, Skipped: N, ..." line per test project.
read -r passed failed skipped < <(grep -E '^(Passed|Failed)! +- Failed:' "$log" \
  | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3} END {print p+0, f+0, s+0}')
rm -f "$log"

# Logs must never carry secrets (API keys, webhook signing secrets) or patient details (emails, the demo
# patients' names): search everything the test servers logged.
server_logs=(tests/*/bin/Release/net10.0/server-logs.txt)
secrets='pk_(live|test)_[0-9A-Za-z]{40}|whsec_[0-9A-Za-z]{32}|[A-Za-z0-9._%+-]+@example\.com'
# "First Last" for each demo patient, read from the two name lists in DemoData.cs so the scan follows the data.
demo_list() { grep -oE "string\[\] $1 = \[[^]]*\]" src/Leap.Server/Cli/DemoData.cs | grep -oE '"[^"]+"' | tr -d '"'; }
demo_names="$(paste -d ' ' <(demo_list first) <(demo_list last))"
if [ -z "$demo_names" ]; then
  echo "could not read the demo patients' names from src/Leap.Server/Cli/DemoData.cs" >&2
  failed=$((failed + 1))
  rc=1
elif grep -qsE "$secrets" "${server_logs[@]}" || grep -qsiF "$demo_names" "${server_logs[@]}"; then
  echo "server logs contain a secret, an email address or a demo patient's name:" >&2
  { grep -sHnE "$secrets" "${server_logs[@]}"; grep -sHniF "$demo_names" "${server_logs[@]}"; } | head -5 >&2
  failed=$((failed + 1))
  rc=1
fi

# A build or test-host failure reports no failed test: it still must not read as green.
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
