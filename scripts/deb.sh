#!/usr/bin/env bash
# Builds relance_<version>_amd64.deb with dpkg-deb from a release binary (BIN), in the
# layout scripts/install.sh makes with PREFIX=/usr (the same script, so `make install`
# and the package agree):
#   /usr/bin/relance, /usr/share/relance/templates/, /lib/systemd/system/relance.service,
#   /usr/lib/systemd/catalog/relance.catalog, /usr/share/doc/relance/ (README, copyright,
#   changelog, the example config), /etc/relance/relance.toml (a conffile).
# Depends is computed by dpkg-shlibdeps from the libraries the binary links.
#   scripts/deb.sh [OUTDIR]     (default: the current folder)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
BIN=${BIN:-.build/release/relance}
out=${1:-$PWD}
[ -x "$BIN" ] || { echo "deb: $BIN is missing; build it first (make deb does)" >&2; exit 1; }
version=$("$BIN" --version)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/relance

DESTDIR=$pkg PREFIX=/usr UNITDIR=/lib/systemd/system BIN=$BIN scripts/install.sh > /dev/null
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/usr/bin/relance"
doc=$pkg/usr/share/doc/relance
install -m 0644 packaging/debian/copyright "$doc/copyright"
# A native package: its changelog is changelog.gz.
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")/" \
    packaging/debian/changelog | gzip -9n > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
gzip -9n "$doc/README.md"
install -d "$pkg/usr/share/man/man1"
gzip -9n < packaging/relance.1 > "$pkg/usr/share/man/man1/relance.1.gz"
chmod 0644 "$pkg/usr/share/man/man1/relance.1.gz"

# Depends: the packages owning the shared libraries the binary needs (dpkg-shlibdeps reads debian/control).
mkdir -p "$stage/src/debian"
printf 'Source: relance\n\nPackage: relance\nArchitecture: any\n' > "$stage/src/debian/control"
depends=$(cd "$stage/src" && dpkg-shlibdeps -O "$pkg/usr/bin/relance" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "deb: dpkg-shlibdeps found no dependency" >&2; exit 1; }
# The maintainer scripts use deb-systemd-invoke.
depends="$depends, init-system-helpers (>= 1.54~)"

install -d -m 0755 "$pkg/DEBIAN"
for s in postinst prerm postrm; do install -m 0755 "packaging/debian/$s" "$pkg/DEBIAN/$s"; done
echo /etc/relance/relance.toml > "$pkg/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@DEPENDS@/$depends/" -e "s/@SIZE@/$size/" \
    packaging/debian/control > "$pkg/DEBIAN/control"
(cd "$pkg" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/conffiles" "$pkg/DEBIAN/md5sums"
find "$pkg" -type d -exec chmod 0755 {} +

deb="$out/relance_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zgzip -z9 --build "$pkg" "$deb" > /dev/null
echo "$deb"
echo "Depends: $depends" >&2
