#!/usr/bin/env bash
# A real systemd as PID 1 in namespaces, for the service tests; the host is left untouched.
#   source systemd-ns.sh; ns_boot WORK UNIT...; ns_run CMD...; ns_shutdown
# ns_boot starts `unshare --pid --fork --kill-child --mount --uts --ipc --net`; inside it
# (ns_stage1) PID 1 moves into a fresh child of the host's writable cgroup v2 tree
# (/sys/fs/cgroup/unified), enters a cgroup namespace, and (ns_stage2) mounts a fresh
# /proc (with /proc/sys read-only), a read-only /sys with cgroup2 on /sys/fs/cgroup,
# tmpfs /dev and /run, and overlays on /etc, /var and /usr/local (their changes land
# in WORK). systemd then starts with container=relance-test and SYSTEMD_UNIT_PATH
# limited to WORK/units: journald, a few targets, and the units named. Must run as root.
set -euo pipefail

NS_CGROUP_ROOT=${NS_CGROUP_ROOT:-/sys/fs/cgroup/unified}

# Inside the new namespaces, as PID 1: a cgroup of our own, then a cgroup namespace rooted there.
ns_stage1() {
    local work=$1
    mkdir "$NS_CGROUP_ROOT/$(cat "$work/cgroup-name")"
    echo 0 > "$NS_CGROUP_ROOT/$(cat "$work/cgroup-name")/cgroup.procs"
    exec unshare --cgroup "$0" stage2 "$work"
}

ns_stage2() {
    local work=$1 d
    mount --make-rprivate /
    mount -t proc -o nosuid,nodev,noexec proc /proc
    mount --bind /proc/sys /proc/sys
    mount -o remount,bind,ro /proc/sys
    mount -t sysfs -o ro,nosuid,nodev,noexec sysfs /sys
    mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup
    mount -t tmpfs -o mode=0755,nosuid,size=8m tmpfs /dev
    for d in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
        IFS=: read -r name major minor <<< "$d"
        mknod -m 0666 "/dev/$name" c "$major" "$minor"
    done
    mkdir /dev/pts /dev/shm
    mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
    ln -s pts/ptmx /dev/ptmx
    mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
    ln -s /proc/self/fd /dev/fd
    # systemd's console: a file the test can read.
    touch /dev/console
    mount --bind "$work/console.log" /dev/console
    mount -t tmpfs -o mode=0755,nosuid,nodev,size=64m tmpfs /run
    for d in etc var usr/local; do
        local n=${d//\//-}
        mkdir -p "$work/overlay/$n-upper" "$work/overlay/$n-work"
        mount -t overlay overlay -o "lowerdir=/$d,upperdir=$work/overlay/$n-upper,workdir=$work/overlay/$n-work" "/$d"
    done
    # A machine id of its own; no host unit is enabled (SYSTEMD_UNIT_PATH below).
    tr -d '-' < /proc/sys/kernel/random/uuid > /etc/machine-id
    ip link set lo up 2>/dev/null || true
    hostname relance-test
    # LoadCredential= needs shared propagation on /.
    mount --make-rshared /
    exec env -i container=relance-test SYSTEMD_UNIT_PATH="$work/units" LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        /lib/systemd/systemd --system --show-status=no
}

# The host PID of the namespaces' PID 1 (systemd).
ns_pid() { cat "$NS_WORK/pid1"; }

# A command inside the namespaces (as if on the booted machine).
ns_run() {
    nsenter --target "$(ns_pid)" --mount --uts --ipc --net --pid --cgroup -- "$@"
}

# ns_boot WORK UNIT_FILE...: boots; returns once systemd answers on its bus.
ns_boot() {
    NS_WORK=$1
    shift
    local units=$NS_WORK/units u
    mkdir -p "$units" "$NS_WORK/overlay"
    : > "$NS_WORK/console.log"
    for u in systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket \
        basic.target sysinit.target sockets.target local-fs.target paths.target timers.target slices.target \
        multi-user.target network-online.target shutdown.target exit.target systemd-exit.service \
        final.target; do
        [ -e "/lib/systemd/system/$u" ] && cp "/lib/systemd/system/$u" "$units/"
    done
    ln -sf multi-user.target "$units/default.target"
    mkdir -p "$units/sockets.target.wants" "$units/sysinit.target.wants"
    ln -sf ../systemd-journald.socket "$units/sockets.target.wants/"
    ln -sf ../systemd-journald-dev-log.socket "$units/sockets.target.wants/"
    ln -sf ../systemd-journald.service "$units/sysinit.target.wants/"
    for u in "$@"; do cp "$u" "$units/"; done
    echo "relance-test-$$-$RANDOM" > "$NS_WORK/cgroup-name"
    unshare --pid --fork --kill-child --mount --uts --ipc --net --propagation private \
        "$BASH_SOURCE" stage1 "$NS_WORK" &
    echo $! > "$NS_WORK/unshare-pid"
    local i child=
    for i in $(seq 100); do
        child=$(cat "/proc/$(cat "$NS_WORK/unshare-pid")/task/"*/children 2>/dev/null | tr -s ' ' '\n' | head -1)
        [ -n "$child" ] && [ "$(cat /proc/"$child"/comm 2>/dev/null)" = systemd ] && break
        sleep 0.1
    done
    [ -n "$child" ] || { echo "systemd did not start" >&2; cat "$NS_WORK/console.log" >&2; return 1; }
    echo "$child" > "$NS_WORK/pid1"
    for i in $(seq 150); do
        ns_run systemctl is-system-running --wait >/dev/null 2>&1 && return 0
        case "$(ns_run systemctl is-system-running 2>/dev/null)" in running|degraded) return 0 ;; esac
        sleep 0.2
    done
    echo "systemd did not come up: $(ns_run systemctl is-system-running 2>&1)" >&2
    cat "$NS_WORK/console.log" >&2
    return 1
}

# Ends systemd (then the namespaces) and removes the cgroup made for it.
ns_shutdown() {
    [ -n "${NS_WORK:-}" ] && [ -f "$NS_WORK/unshare-pid" ] || return 0
    local pid i
    pid=$(cat "$NS_WORK/unshare-pid")
    ns_run systemctl exit >/dev/null 2>&1 || true
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local cg="$NS_CGROUP_ROOT/$(cat "$NS_WORK/cgroup-name")"
    # Depth first: each leaf is empty once PID 1 and its children are gone.
    for i in $(seq 50); do
        [ -d "$cg" ] || break
        find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || sleep 0.1
    done
    rm -f "$NS_WORK/unshare-pid"
}

case "${1:-}" in
    stage1) ns_stage1 "$2" ;;
    stage2) ns_stage2 "$2" ;;
esac
