#!/usr/bin/env bash
# Fleet.Sdk's one entry point. Every command first runs `prereqs`, so a fresh Debian machine with
# the .NET 10 SDK needs nothing done by hand.
#
#   ./eng/build.sh prereqs          install what the machine lacks (libzmq5, redis-server, redis-sentinel,
#                                   nats-server, python3-zmq, nodejs + npm, docker-compose, systemd for
#                                   systemd-analyze, openssl, the integration tests' npm packages); on a machine
#                                   that has them all it changes nothing
#   ./eng/build.sh build            build everything, warnings as errors
#   ./eng/build.sh test [ARGS...]   build, pack (the template test uses the packages), run every test
#                                   project, print "N passed, N failed, N skipped"
#                                   (ARGS go to dotnet test, e.g. --filter "Category!=Partition")
#   ./eng/build.sh pack             build and write .nupkg + .snupkg to artifacts/packages/
#   ./eng/build.sh bench [ARGS...]  run tests/Fleet.Sdk.Benchmarks in Release (ARGS go to it)
#   ./eng/build.sh demo [ARGS...]   run the two-machine fleet demo (samples/TwoMachineFleet); it ends by itself
#
# Environment: CONFIGURATION (default Release).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
configuration="${CONFIGURATION:-Release}"
artifacts="$repo_root/artifacts"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the SDK and its tests use: the ZeroMQ engine, the Redis server and its Sentinel,
# the NATS server with JetStream (the coordination engines the harness starts as processes), and
# pyzmq for interoperability tests against unchanged Python agents.
debian_packages=(libzmq5 redis-server redis-sentinel nats-server python3-zmq)
# The integration tests drive `fleet chaos serve` with the npm Toxiproxy client, pinned here.
node_test_dir="$repo_root/tests/Fleet.Sdk.IntegrationTests/node"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

missing_packages() {
  local missing=() libraries
  # Read the cache whole first: `ldconfig -p | grep -q` fails at random under pipefail, when grep
  # stops at its match and ldconfig dies of SIGPIPE writing the rest.
  libraries=$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)
  if ! grep -q 'libzmq\.so\.5 ' <<<"$libraries"; then
    missing+=(libzmq5)
  fi
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  # redis-sentinel is a link to the Redis binary that starts it in Sentinel mode; nats-server lives
  # in /usr/sbin, which a non-root PATH may lack.
  command -v redis-sentinel >/dev/null 2>&1 || [ -x /usr/bin/redis-sentinel ] || missing+=(redis-sentinel)
  command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
  # pyzmq must be importable by Debian's own python3 (a pyenv or venv python on PATH may lack it).
  if ! /usr/bin/python3 -c 'import zmq' >/dev/null 2>&1; then
    missing+=(python3-zmq)
  fi
  { command -v node && command -v npm; } >/dev/null 2>&1 || missing+=(nodejs npm)
  # `fleet deploy render` output is checked by the real tools: `docker-compose config -q` (no daemon
  # needed) and `systemd-analyze verify` (shipped by the systemd package; slim images lack it).
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
  # The deploy tests make a throwaway CA and certificate to check rendered TLS configs with the real servers.
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  if [ "${#missing[@]}" -gt 0 ]; then printf '%s\n' "${missing[@]}"; fi
}

cmd_prereqs() {
  command -v dotnet >/dev/null 2>&1 ||
    die "the .NET 10 SDK is not on PATH; install it (https://dot.net/download, or Debian's dotnet-sdk-10.0 from packages.microsoft.com) and run this again."

  mapfile -t missing < <(missing_packages)
  if [ "${#missing[@]}" -eq 0 ]; then
    install_node_modules
    return 0
  fi

  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "this machine lacks ${missing[*]}. Install them with:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}
then run this command again."
  fi

  log "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d 101 stops Debian from starting a system redis-server, redis-sentinel or nats-server:
  # tests start their own, on ports of their choosing.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  local install_status=0
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || install_status=$?
  # Removed whether or not the install worked, so a failed run leaves no policy behind.
  if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; fi
  [ "$install_status" -eq 0 ] || die "apt-get install ${missing[*]} failed (status $install_status)."

  mapfile -t still < <(missing_packages)
  [ "${#still[@]}" -eq 0 ] || die "apt-get ran but ${still[*]} still cannot be found."
  install_node_modules
}

# npm ci when node_modules is missing or older than package-lock.json (npm ci stamps it).
install_node_modules() {
  [ "$node_test_dir/node_modules/.package-lock.json" -nt "$node_test_dir/package-lock.json" ] && return 0
  log "installing the integration tests' npm packages (npm ci in ${node_test_dir#"$repo_root"/})"
  (cd "$node_test_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
    die "npm ci failed in $node_test_dir; run it there by hand to see why."
}

cmd_build() {
  log "building Fleet.Sdk.sln ($configuration)"
  dotnet build "$repo_root/Fleet.Sdk.sln" -c "$configuration" -warnaserror -nologo -clp:NoSummary
}

# Totals the TRX files of one run: "passed failed skipped".
summarise_trx() {
  local dir="$1"
  find "$dir" -name '*.trx' -print0 2>/dev/null | xargs -0 -r cat |
    tr '\n' ' ' | grep -o '<Counters [^>]*>' |
    awk '
      function attr(name,   m) { if (match($0, name "=\"[0-9]+\"")) { m = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", m); return m + 0 } return 0 }
      { passed += attr("passed"); failed += attr("failed") + attr("error") + attr("timeout") + attr("aborted"); skipped += attr("total") - attr("executed") }
      END { printf "%d %d %d\n", passed, failed, skipped }'
}

cmd_test() {
  cmd_build
  # The template test (tests/Fleet.Sdk.Templates.Tests) installs the packed template and builds a
  # new agent against the packed packages: pack them once here, from the build just done.
  pack_packages
  local results="$artifacts/test-results"
  rm -rf "$results"
  mkdir -p "$results"

  local status=0 project name
  for project in "$repo_root"/tests/*/*.Tests.csproj "$repo_root"/tests/Fleet.Sdk.IntegrationTests/*.csproj; do
    [ -f "$project" ] || continue
    name="$(basename "$project" .csproj)"
    log "testing $name"
    dotnet test "$project" -c "$configuration" --no-build --nologo \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
      --results-directory "$results" --blame-hang-timeout 10m "$@" || status=$?
  done

  local passed failed skipped
  read -r passed failed skipped < <(summarise_trx "$results")
  if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # A test host that crashed or hung leaves no failed counter behind: never report it as green.
    failed=1
    printf 'a test run exited with status %s without a failed test counted (crash or hang); see %s\n' "$status" "$results" >&2
  fi
  printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
  [ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
}

pack_packages() {
  log "packing to artifacts/packages"
  rm -rf "$artifacts/packages"
  dotnet pack "$repo_root/Fleet.Sdk.sln" -c "$configuration" --no-build -nologo -clp:NoSummary
}

cmd_pack() {
  cmd_build
  pack_packages
  ls -1 "$artifacts/packages"
}

cmd_bench() {
  dotnet run -c Release --project "$repo_root/tests/Fleet.Sdk.Benchmarks" -- "$@"
}

cmd_demo() {
  # The two-machine fleet: two agent processes on simulated machines, calls across them, a cut
  # link (degraded mode), the heal, and SIGTERM; exits 0 when every step behaved. The PathManager
  # tour is still there: dotnet run --project samples/PathsDemo.
  dotnet run -c "$configuration" --project "$repo_root/samples/TwoMachineFleet/Demo" -- "$@"
}

main() {
  local command="${1:-}"
  [ -n "$command" ] || { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
  shift
  case "$command" in
    prereqs) cmd_prereqs ;;
    build | test | pack | bench | demo) cmd_prereqs; "cmd_$command" "$@" ;;
    -h | --help | help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
    *) printf 'unknown command: %s\n' "$command" >&2; sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}

main "$@"
