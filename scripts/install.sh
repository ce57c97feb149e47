#!/usr/bin/env bash
# Installs relance as a Debian admin expects it. Honours DESTDIR (staging, packaging)
# and PREFIX (default /usr/local; /usr for a package):
#   $PREFIX/bin/relance                               the binary (from BIN, default .build/release/relance)
#   $UNITDIR/relance.service                          the unit, ExecStart pointing at that binary
#                                                     (UNITDIR: $PREFIX/lib/systemd/system; /lib/systemd/system for the package)
#   $PREFIX/lib/systemd/catalog/relance.catalog       journal catalog (journalctl -x)
#   $PREFIX/share/relance/templates/                  the built-in email and SMS templates (Config/templates)
#   $PREFIX/share/doc/relance/                        README.md, DESIGN notes, example configs
#   /etc/relance/relance.toml                         the production config, never overwritten
# Without DESTDIR, on a machine run by systemd, it also reloads units and the catalog.
set -euo pipefail
cd "$(dirname "$0")/.."
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
SYSCONFDIR=${SYSCONFDIR:-/etc}
BIN=${BIN:-.build/release/relance}
UNITDIR=${UNITDIR:-$PREFIX/lib/systemd/system}
[ -x "$BIN" ] || { echo "install: $BIN is missing; build it first (make install does)" >&2; exit 1; }

install -d "$DESTDIR$PREFIX/bin" "$DESTDIR$UNITDIR" "$DESTDIR$PREFIX/lib/systemd/catalog" \
    "$DESTDIR$PREFIX/share/doc/relance" "$DESTDIR$PREFIX/share/relance/templates" "$DESTDIR$SYSCONFDIR/relance"
install -m 0755 "$BIN" "$DESTDIR$PREFIX/bin/relance"
sed -e "s|/usr/local/bin/relance|$PREFIX/bin/relance|g" \
    -e "s|/usr/local/share/doc/relance|$PREFIX/share/doc/relance|g" \
    -e "s|/etc/relance|$SYSCONFDIR/relance|g" systemd/relance.service > "$DESTDIR$UNITDIR/relance.service"
chmod 0644 "$DESTDIR$UNITDIR/relance.service"
sed -e "s|/usr/share/doc/relance|$PREFIX/share/doc/relance|g" systemd/relance.catalog \
    > "$DESTDIR$PREFIX/lib/systemd/catalog/relance.catalog"
chmod 0644 "$DESTDIR$PREFIX/lib/systemd/catalog/relance.catalog"
install -m 0644 README.md "$DESTDIR$PREFIX/share/doc/relance/README.md"
install -m 0644 Config/relance.toml "$DESTDIR$PREFIX/share/doc/relance/relance.toml.example"
# relance finds them from its own path: PREFIX/bin/relance → PREFIX/share/relance/templates.
install -m 0644 Config/templates/*.mustache "$DESTDIR$PREFIX/share/relance/templates/"
# The config holds no secret (they are credentials): readable by the service's dynamic user.
if [ ! -e "$DESTDIR$SYSCONFDIR/relance/relance.toml" ]; then
    install -m 0644 Config/relance.toml "$DESTDIR$SYSCONFDIR/relance/relance.toml"
else
    echo "install: keeping $DESTDIR$SYSCONFDIR/relance/relance.toml (the new default is in $PREFIX/share/doc/relance/)"
fi

if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    journalctl --update-catalog
fi
if [ ! -e "$DESTDIR$SYSCONFDIR/relance/link-secret" ]; then
    echo "next: create the link secret (root-only), edit $SYSCONFDIR/relance/relance.toml, then:"
    echo "  install -m 0600 /dev/null $SYSCONFDIR/relance/link-secret && head -c 32 /dev/urandom | base64 > $SYSCONFDIR/relance/link-secret"
    echo "  relance check-config $SYSCONFDIR/relance/relance.toml && systemctl enable --now relance"
fi
