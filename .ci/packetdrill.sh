#!/usr/bin/env bash
# The FreeBSD tcp-testsuite against tcpsim's profiles (issue 12): fails when
# a run passes fewer scripts than measured (docs/packetdrill.md), or when any
# script crashes the runner. The scripts are read in place from ../shared and
# never copied into the repository; without them this check is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

suite=../shared/reference/packetdrill/freebsd-tcp-testsuite
if [ ! -d "$suite" ]; then
  echo "packetdrill: $suite not found; skipping the FreeBSD suite runs"
  exit 0
fi

bin=$(mktemp -d)/tcpsim
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/tcpsim

# check PROFILE DEFINE MIN_PERCENT: run the suite and compare the pass rate.
check() {
  local profile=$1 define=$2 min=$3 out last passed total
  set +e
  out=$("$bin" packetdrill --profile "$profile" -D "$define" "$suite")
  local code=$?
  set -e
  if [ "$code" -gt 1 ]; then
    echo "packetdrill --profile $profile: exit status $code" >&2
    exit 1
  fi
  last=$(printf '%s\n' "$out" | tail -n 1)
  passed=$(echo "$last" | awk '{print $1}')
  total=$(echo "$last" | awk '{print $NF}')
  echo "packetdrill --profile $profile -D $define: $last"
  # Integer percent, rounded down.
  if [ $((passed * 100 / total)) -lt "$min" ]; then
    printf '%s\n' "$out" | grep -v '^PASS' >&2
    echo "packetdrill --profile $profile: ${passed}/${total} passed, below the ${min} % floor" >&2
    exit 1
  fi
}

# Floors at the issue's 90 % target and just below the measured 100 % (measured
# 235/235 and 212/235 on 2026-11-29).
check freebsd FreeBSD 99
check rfc9293 STANDARD 90
