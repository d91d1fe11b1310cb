#!/usr/bin/env bash
# `npm test`'s pretest step: brings the tools the tests drive (Chromium, nats-server, Prometheus
# and promtool) from Debian's packages when they are missing and we are root; otherwise it stops
# with one line saying what to install.
set -euo pipefail

# tool -> the Debian package that brings it (the report browser test expects /usr/bin/chromium)
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
{ command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || missing+=(prometheus)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "npm test needs Debian's package(s) ${missing[*]}: as root run 'apt-get update && apt-get install -y ${missing[*]}', then npm test again" >&2
  exit 1
fi

echo "pretest: installing Debian's ${missing[*]} for the tests (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null

for tool in /usr/bin/chromium nats-server prometheus promtool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "pretest: apt-get installed ${missing[*]} but $tool is still missing; install it by hand and run npm test again" >&2
    exit 1
  fi
done
