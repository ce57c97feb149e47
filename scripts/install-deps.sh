#!/usr/bin/env bash
# Installs the Debian packages relance builds and tests with, when missing.
set -euo pipefail
# systemd: journald, journalctl, systemd-cat and systemd-analyze for the service tests;
# util-linux: unshare, to run journald in a private mount namespace.
packages=(libcurl4-openssl-dev libsystemd-dev libsqlite3-dev sqlite3 pkg-config systemd util-linux)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}"
fi
command -v swift >/dev/null || export PATH=/opt/swift/usr/bin:/opt/swift/bin:$PATH
command -v swift >/dev/null || { echo "swift not found: install Swift 6.3 (expected at /opt/swift)" >&2; exit 1; }
