#!/usr/bin/env bash
# Runs every test of Lifeline: unit tests and integration tests against real services (Mosquitto, InfluxDB),
# and the deployment checks (docker-compose validates docker-compose.yml against the Compose Specification).
# Installs the Debian packages the integration tests need when they are missing (needs root or sudo).
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

packages=(mosquitto mosquitto-clients influxdb influxdb-client nginx python3-pymodbus python3-serial mbpoll python3-aiosmtpd redis-server chromium fonts-wqy-microhei docker-compose)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing test dependencies: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  installed=false
  for attempt in 1 2 3; do
    if $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
      installed=true; break
    fi
    echo "apt-get failed (attempt $attempt), retrying"; sleep 5
  done
  $installed || { echo "could not install ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi

# Fetch packages up front, with retries, so a passing network hiccup does not fail the build.
retry() { for attempt in 1 2 3; do "$@" && return 0; echo "'$*' failed (attempt $attempt), retrying"; sleep 5; done; return 1; }
retry dotnet restore Lifeline.sln >/dev/null || { echo "dotnet restore failed"; echo "0 passed, 1 failed"; exit 1; }
[ -d src/Lifeline.Server/node_modules/@microsoft/signalr ] && [ -d src/Lifeline.Server/node_modules/esbuild ] && [ -d src/Lifeline.Server/node_modules/uplot ] \
  || retry bash -c 'cd src/Lifeline.Server && npm ci --no-audit --no-fund --loglevel=error' \
  || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }

results=artifacts/test-results
rm -rf "$results"
# Build everything first (the benchmarks and the console simulator are not test projects, but must compile).
dotnet build Lifeline.sln -c Release -warnaserror
code=$?
if [ "$code" -eq 0 ]; then
  dotnet test Lifeline.sln -c Release --no-build --blame-hang-timeout 5m --logger "trx" --results-directory "$results" "$@"
  code=$?
fi

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
# The console's JavaScript modules (alarm synchronisation by seq, sorting, filters, zone colours, dictionaries), with Node's built-in test runner.
node_out=$(node --test tests/console/ 2>&1)
node_code=$?
echo "$node_out" | grep -E "^(not ok|# (tests|pass|fail))" || true
p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' <<<"$node_out"); f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' <<<"$node_out")
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
if [ "$node_code" -ne 0 ]; then
  [ "$code" -eq 0 ] && code=$node_code
  [ "${f:-0}" -eq 0 ] && failed=$((failed + 1))
fi

if [ "$code" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1  # the build or a test host failed before any result was written
fi
echo "$passed passed, $failed failed"
exit $code
