#!/usr/bin/env bash
# Installs the Debian packages relance builds and tests with, when missing.
# python3-aiosmtpd and openssl run the SMTP peer of the delivery tests.
# `install-deps.sh bench` adds postfix, which ships smtp-source/smtp-sink for
# `make bench-smtp` (Postfix itself is not configured and need not run).
set -euo pipefail
# systemd: journald, journalctl, systemd-cat and systemd-analyze for the service tests;
# util-linux: unshare, to run journald in a private mount namespace (and systemd as PID 1 in namespaces);
# dpkg-dev (dpkg-shlibdeps) and lintian: `make deb` and its test; iproute2: loopback up in the namespaces;
# prometheus: promtool, which checks the metrics file and the example alerting rules;
# libpq-dev builds the PostgreSQL store; postgresql gives the tests their throwaway cluster (initdb, pg_ctl).
packages=(libcurl4-openssl-dev libsystemd-dev libsqlite3-dev sqlite3 pkg-config systemd util-linux python3-aiosmtpd openssl
    dpkg-dev lintian iproute2 prometheus libpq-dev postgresql)
[ "${1:-}" = "bench" ] && packages+=(postfix)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    echo "postfix postfix/main_mailer_type select No configuration" | $sudo_cmd debconf-set-selections
    $sudo_cmd apt-get update -qq
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}"
    # Only promtool is wanted: the Prometheus server (and its node exporter) installed here must not keep running.
    if [[ " ${missing[*]} " == *" prometheus "* ]] && [ -d /run/systemd/system ]; then
        $sudo_cmd systemctl disable --now prometheus prometheus-node-exporter > /dev/null 2>&1 || true
    fi
fi
command -v swift >/dev/null || export PATH=/opt/swift/usr/bin:/opt/swift/bin:$PATH
command -v swift >/dev/null || { echo "swift not found: install Swift 6.3 (expected at /opt/swift)" >&2; exit 1; }
