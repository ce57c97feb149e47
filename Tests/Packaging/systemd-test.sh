#!/usr/bin/env bash
# The installed relance.service under a real systemd 252 as PID 1 in namespaces (systemd-ns.sh):
#   Tests/Packaging/systemd-test.sh WORK      (root; relance installed, /etc/relance/link-secret written)
# start reaches active (running) through READY=1 and the status shows STATUS=; reloads with a good
# and a bad config; the RELANCE_* fields in journalctl -u relance; no thread-priority errors; the
# live systemd-analyze security exposure at most 1.5; a clean stop; a SIGSTOPped daemon killed by the
# watchdog within WatchdogSec + 5 s; a missing credential that does not restart forever.
# Drop-ins shorten WatchdogSec and RestartSec for the test; the unit itself is the installed one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/systemd-ns.sh"
work=$1
mkdir -p "$work"
failures=0
check() {
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}
trap ns_shutdown EXIT
started=$(date +%s)

ns_boot "$work" /lib/systemd/system/relance.service
echo "systemd $(ns_run systemctl --version | head -1 | cut -d' ' -f2) up as PID 1 in namespaces in $(( $(date +%s) - started )) s"
units=$work/units
export NS_WORK
export -f ns_run ns_pid

# The operator's config: the demo store in the service's state folder, file transports there too.
ns_run sh -c 'mkdir -p /var/lib/relance && relance demo --store /var/lib/relance/store.sqlite > /dev/null'
good_config=$(sed -e 's|^transport = "smtp"|transport = "file"|' -e 's|^url = "smtp://.*|spool = "/var/lib/relance/spool/email"|' \
    -e 's|^tls = .*||' -e 's|^username = .*||' -e 's|^poll_interval = .*|poll_interval = "2s"|' /etc/relance/relance.toml)
ns_run sh -c 'cat > /etc/relance/relance.toml' <<< "$good_config"

journal() { ns_run journalctl -u relance --no-pager -q "$@"; }
prop() { ns_run systemctl show -P "$1" relance; }
# wait_for SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
    local end=$(( $(date +%s) + $1 ))
    shift
    until "$@" > /dev/null 2>&1; do [ "$(date +%s)" -lt "$end" ] || return 1; sleep 0.2; done
}

echo "== start"
check "systemctl start relance (Type=notify: returns on READY=1)" ns_run systemctl start relance
check "active (running)" test "$(prop ActiveState)/$(prop SubState)" = "active/running"
check "a cycle's STATUS= in systemctl status" wait_for 15 bash -c "ns_run systemctl status relance --no-pager | grep -q 'Status: \"cycle '"
ns_run systemctl status relance --no-pager | sed -n '1,6p'

echo "== reload"
check "reload with a good config" ns_run systemctl reload relance
check "  logged: configuration reloaded" wait_for 10 bash -c "ns_run journalctl -u relance -q MESSAGE_ID=86e85e832ef840a1bb203683e8506d98 | grep -q ."
ns_run sh -c 'printf "[store]\npoll_interval = \"never\"\n" > /etc/relance/relance.toml'
check "reload with a bad config" ns_run systemctl reload relance
check "  logged: rejected, with FILE:LINE: key" wait_for 10 bash -c "ns_run journalctl -u relance -q MESSAGE_ID=9b8bac89a1d4438bb0760587e1847c73 | grep -q 'relance.toml:2: store.poll_interval'"
check "  still active (running) on the previous config" test "$(prop ActiveState)/$(prop SubState)" = "active/running"
ns_run sh -c 'cat > /etc/relance/relance.toml' <<< "$good_config"

echo "== journal"
check "RELANCE_* fields in journalctl -u relance" bash -c "ns_run journalctl -u relance -o verbose --no-pager | grep -q '^ *RELANCE_'"
check "cycle entries by MESSAGE_ID" bash -c "ns_run journalctl -u relance -q MESSAGE_ID=4f8f0a1ac3c541afb018aae2c0938455 | grep -q ."
# libdispatch renices its event thread to -4: the filter must allow setpriority (else errno=1, EPERM) and
# RLIMIT_NICE must allow -4 (LimitNICE=-4; else errno=13, EACCES). systemd raises RLIMIT_NICE only with
# CAP_SYS_RESOURCE, which a sandboxed machine may lack: then only the first half can be checked here.
check "no thread-priority error from the system call filter (errno=1)" bash -c "! (ns_run journalctl -u relance --no-pager) | grep -q 'thread priority.*errno=1\$'"
check "the unit asks for RLIMIT_NICE 24 (LimitNICE=-4)" test "$(prop LimitNICE)" = 24
nice_limit=$(ns_run cat "/proc/$(prop MainPID)/limits" | awk '/Max nice priority/ { print $4 }')
if [ "${nice_limit:-0}" -ge 24 ]; then
    check "no thread-priority errors" bash -c "! (ns_run journalctl -u relance --no-pager) | grep -q 'thread priority'"
else
    echo "note: systemd here cannot raise RLIMIT_NICE (its hard limit is 0 and it lacks CAP_SYS_RESOURCE): libdispatch's errno=13 line is expected on this machine only"
fi
check "no swift-backtrace in the journal" bash -c "! (ns_run journalctl --no-pager) | grep -q 'swift-backtrace'"

echo "== systemd-analyze security (live)"
exposure=$(ns_run systemd-analyze security relance.service --no-pager | sed -n 's/.*Overall exposure level for relance.service: \([0-9.]*\).*/\1/p')
echo "exposure: $exposure"
check "exposure $exposure <= 1.5" awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.5) }'

echo "== stop"
check "systemctl stop relance" ns_run systemctl stop relance
check "  exit 0, result success" test "$(prop ExecMainStatus)/$(prop Result)" = "0/success"

echo "== watchdog (WatchdogSec=4s in a drop-in)"
mkdir -p "$units/relance.service.d"
printf '[Service]\nWatchdogSec=4s\nRestartSec=1s\n' > "$units/relance.service.d/test.conf"
ns_run systemctl daemon-reload
ns_run systemctl start relance
pid=$(prop MainPID)
ns_run kill -STOP "$pid"
stopped=$(date +%s.%N)
wait_for 15 bash -c "! ns_run kill -0 $pid" || true
gone=$(date +%s.%N)
took=$(echo "$gone - $stopped" | bc)
echo "SIGSTOPped daemon gone after ${took} s"
check "killed within WatchdogSec + 5 s (${took} s)" awk -v t="$took" 'BEGIN { exit !(t <= 9) }'
check "  by the watchdog" wait_for 5 bash -c "ns_run journalctl -u relance --no-pager | grep -q 'Watchdog timeout'"
check "  then restarted" wait_for 10 bash -c "test \"\$(ns_run systemctl show -P SubState relance)\" = running"
ns_run systemctl stop relance

echo "== a missing credential"
ns_run mv /etc/relance/link-secret /etc/relance/link-secret.away
ns_run systemctl reset-failed relance 2>/dev/null || true
ns_run systemctl start relance 2>/dev/null || true
sleep 4   # RestartSec=1s: a restart loop would have restarted it by now
check "  failed at step CREDENTIALS (243)" test "$(prop ExecMainStatus)" = "243"
check "  no restart (NRestarts=$(prop NRestarts), $(prop ActiveState))" test "$(prop NRestarts)/$(prop ActiveState)" = "0/failed"
ns_run mv /etc/relance/link-secret.away /etc/relance/link-secret
rm -rf "$units/relance.service.d"

echo "systemd test: $failures failures, $(( $(date +%s) - started )) s"
[ "$failures" = 0 ]
