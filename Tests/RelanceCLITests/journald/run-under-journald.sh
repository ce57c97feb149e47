#!/usr/bin/env bash
# Runs `relance run` against a real systemd-journald, without systemd as PID 1:
#   unshare --mount --propagation private run-under-journald.sh RELANCE WORKDIR
# Inside the private mount namespace, temporary folders cover /run/systemd and
# /run/log, a journald.conf with volatile storage and no rate limit covers the
# system one, and /dev/null covers /dev/kmsg. relance's stderr is a journal
# stream with JOURNAL_STREAM set, as systemd does for a service, so relance
# logs natively. The daemon is started, reloaded with a good config, then with
# a broken one, then stopped; the whole journal is written to WORKDIR/journal.json
# and each `journalctl -o json FIELD=VALUE` query named in WORKDIR/queries to
# WORKDIR/query-N.json. Every process started here is stopped here, by PID.
set -euo pipefail
relance=$1
work=$2
ns=$work/ns
mkdir -p "$ns/run-systemd" "$ns/run-log"
# Mount points; on a machine never booted with systemd they may be missing (/run is a tmpfs).
[ -d /run/systemd ] || mkdir -p /run/systemd
[ -d /run/log ] || mkdir -p /run/log
mount --bind "$ns/run-systemd" /run/systemd
mount --bind "$ns/run-log" /run/log
printf '[Journal]\nStorage=volatile\nRateLimitIntervalSec=0\nForwardToSyslog=no\nForwardToKMsg=no\nForwardToConsole=no\nForwardToWall=no\n' > "$ns/journald.conf"
mount --bind "$ns/journald.conf" /etc/systemd/journald.conf
[ -e /dev/kmsg ] && mount --bind /dev/null /dev/kmsg
if [ ! -s /etc/machine-id ] && [ -e /etc/machine-id ]; then
    tr -d '-' < /proc/sys/kernel/random/uuid > "$ns/machine-id"
    mount --bind "$ns/machine-id" /etc/machine-id
fi

journald_pid=
relance_pid=
cleanup() {
    [ -n "$relance_pid" ] && kill -KILL "$relance_pid" 2>/dev/null || true
    [ -n "$journald_pid" ] && kill -TERM "$journald_pid" 2>/dev/null && wait "$journald_pid" 2>/dev/null || true
}
trap cleanup EXIT

/lib/systemd/systemd-journald &
journald_pid=$!
for _ in $(seq 200); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
[ -S /run/systemd/journal/socket ] || { echo "journald did not start" >&2; exit 1; }

# Waits until an entry with FIELD=VALUE is in the journal (10 s at most).
wait_for() {
    for _ in $(seq 200); do
        [ -n "$(journalctl --no-pager -q -o cat "$1" 2>/dev/null | head -1)" ] && return 0
        sleep 0.05
    done
    echo "timed out waiting for $1" >&2
    return 1
}

cd "$work"
# systemd-cat connects stdout and stderr to a journal stream and execs; the shell
# then names that stream in JOURNAL_STREAM (device:inode), as systemd does.
systemd-cat -t relance sh -c 'JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec "$0" run --config relance.toml' \
    "$relance" &
relance_pid=$!

wait_for MESSAGE_ID=4f8f0a1ac3c541afb018aae2c0938455      # first cycle
kill -HUP "$relance_pid"
wait_for MESSAGE_ID=86e85e832ef840a1bb203683e8506d98      # config reloaded
cp relance.toml good.toml
printf '[store]\npoll_interval = "never"\n[email]\npassword = "%s"\n' "$(cat smtp-password 2>/dev/null)" > relance.toml
kill -HUP "$relance_pid"
wait_for MESSAGE_ID=9b8bac89a1d4438bb0760587e1847c73      # config rejected
cp good.toml relance.toml
kill -TERM "$relance_pid"
status=0
wait "$relance_pid" || status=$?
relance_pid=
echo "$status" > exit-status

journalctl --no-pager -o json > journal.json
n=0
while read -r query || [ -n "$query" ]; do
    [ -n "$query" ] || continue
    journalctl --no-pager -o json "$query" > "query-$n.json" || true
    n=$((n + 1))
done < queries
