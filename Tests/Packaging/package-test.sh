#!/usr/bin/env bash
# The Debian package as an operator meets it, on this machine (root, as CI):
#   Tests/Packaging/package-test.sh relance_VERSION_ARCH.deb
# lintian (every remaining tag is listed, and explained, in lintian-accepted), apt-get install,
# the layout, check-config of the installed example once a link secret is written, a tick on a
# demo store from the installed files only (no build tree, no Swift toolchain), the unit under a
# real systemd in namespaces (systemd-test.sh), then apt-get purge, which must leave nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deb=$(realpath "$1")
if [ "$(id -u)" != 0 ]; then
    echo "package test: SKIPPED (needs root for apt-get and namespaces, as CI has)"
    exit 0
fi
if dpkg-query -W -f='${Status}' relance 2>/dev/null | grep -q "ok installed"; then
    echo "package test: relance is installed on this machine; the test installs and purges it, so remove it first" >&2
    exit 1
fi
work=$(mktemp -d /tmp/relance-package.XXXXXX)
installed=
failures=0
# check WHAT COMMAND...: runs COMMAND, prints ok or FAIL.
check() {
    local what=$1
    shift
    if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}
cleanup() {
    [ -n "$installed" ] && apt-get purge -y -qq relance > /dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
started=$(date +%s)

echo "== lintian $(basename "$deb")"
lintian --fail-on error,warning --display-info --suppress-tags-from-file "$here/lintian-accepted" "$deb" | tee "$work/lintian.txt"
check "lintian: no tag left but those explained in lintian-accepted" test ! -s "$work/lintian.txt"

echo "== apt-get install"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$deb" > "$work/apt.log" 2>&1 || { cat "$work/apt.log"; exit 1; }
installed=yes
for f in /usr/bin/relance /usr/share/relance/templates/reminder.fr.mustache /lib/systemd/system/relance.service \
    /usr/lib/systemd/catalog/relance.catalog /usr/share/doc/relance/README.md.gz /usr/share/doc/relance/copyright \
    /usr/share/doc/relance/relance.toml.example /etc/relance/relance.toml; do
    check "installed: $f" test -f "$f"
done
check "/etc/relance/relance.toml is a conffile" grep -q "/etc/relance/relance.toml" <(dpkg-query -W -f='${Conffiles}' relance)
check "the unit's Documentation= is the installed README" grep -q "^Documentation=file:///usr/share/doc/relance/README.md" /lib/systemd/system/relance.service
check "the catalog names the installed README" grep -q "^Documentation: file:///usr/share/doc/relance/README.md" /usr/lib/systemd/catalog/relance.catalog
check "the catalog is in journalctl's database (postinst)" grep -q "relance" <(journalctl --list-catalog 07f463c873714243a0d1228779c29ec7)
check "no Swift library from the toolchain is linked" bash -c "! ldd /usr/bin/relance | grep -q -e swift -e 'not found'"

# Everything below runs the installed relance with a bare environment, from an empty folder.
run_installed() { (cd "$work/empty" && env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"); }
mkdir -p "$work/empty"

echo "== check-config of the installed example"
install -m 0600 /dev/null /etc/relance/link-secret
head -c 32 /dev/urandom | base64 > /etc/relance/link-secret
mkdir -p "$work/credentials"
cp /etc/relance/link-secret "$work/credentials/link-secret"
echo "example-smtp-password" > "$work/credentials/smtp-password"
status=0
run_installed CREDENTIALS_DIRECTORY="$work/credentials" relance check-config /etc/relance/relance.toml > "$work/check.out" 2>&1 || status=$?
check "check-config /etc/relance/relance.toml exits 0 with the secret written" test "$status" = 0
[ "$status" = 0 ] || cat "$work/check.out"
check "check-config masks the link secret" bash -c "! grep -qF '$(cat /etc/relance/link-secret)' '$work/check.out'"

echo "== a tick on a demo store, from the installed files only"
run_installed relance demo --store "$work/demo.sqlite" --now 2026-12-02T09:00:00Z > /dev/null
sed -e "s|^path = .*|path = \"$work/demo.sqlite\"|" -e 's|^transport = "smtp"|transport = "file"|' \
    -e "s|^url = \"smtp://.*|spool = \"$work/spool/email\"|" -e 's|^tls = .*||' -e 's|^username = .*||' \
    /etc/relance/relance.toml > "$work/tick.toml"
status=0
run_installed CREDENTIALS_DIRECTORY="$work/credentials" relance tick --config "$work/tick.toml" --now 2026-12-02T09:00:00Z \
    > "$work/tick.out" 2>&1 || status=$?
check "relance tick with the installed templates exits 0" test "$status" = 0
[ "$status" = 0 ] || tail -20 "$work/tick.out"
emails=$(ls "$work/spool/email" 2>/dev/null | wc -l)
check "the tick wrote emails with the installed templates ($emails)" test "$emails" -gt 0

echo "== the unit under systemd"
status=0
"$here/systemd-test.sh" "$work/systemd" || status=$?
check "the unit under a real systemd (systemd-test.sh)" test "$status" = 0

echo "== apt-get purge"
apt-get purge -y -qq relance > "$work/apt.log" 2>&1 || { cat "$work/apt.log"; exit 1; }
installed=
check "purged: dpkg knows no relance" bash -c "! dpkg-query -W -f='\${Status}' relance 2>/dev/null | grep -q installed"
for f in /usr/bin/relance /usr/share/relance /lib/systemd/system/relance.service /usr/lib/systemd/catalog/relance.catalog \
    /usr/share/doc/relance /etc/relance; do
    check "purged: $f is gone" test ! -e "$f"
done

echo "package test: $((failures)) failures, $(( $(date +%s) - started )) s"
[ "$failures" = 0 ]
