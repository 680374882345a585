#!/usr/bin/env bash
# Builds presetscan_<version>_<arch>.deb from a tree that `make install DESTDIR=STAGE PREFIX=/usr`
# filled: adds the Debian docs and DEBIAN/control, checks that the committed Depends still names
# every library the binary links, and runs dpkg-deb (root-owned files, no other tooling).
#
#   packaging/build-deb.sh STAGE OUTDIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
stage="${1:?usage: build-deb.sh STAGE OUTDIR}"
outdir="${2:?usage: build-deb.sh STAGE OUTDIR}"
binary="$stage/usr/bin/presetscan"
[ -x "$binary" ] || { echo "build-deb.sh: $binary missing (make install DESTDIR=$stage PREFIX=/usr)" >&2; exit 1; }

version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' "$root/Sources/PresetScanKit/Version.swift")
[ -n "$version" ] || { echo "build-deb.sh: no version in Sources/PresetScanKit/Version.swift" >&2; exit 1; }
arch=$(dpkg --print-architecture)
# The changelog date: SOURCE_DATE_EPOCH, else the last commit's, so two builds of one commit agree.
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}"

# The Swift runtime must be inside the binary: no library from the toolchain.
if ldd "$binary" | grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime|/opt/swift'; then
    echo "build-deb.sh: the binary links the Swift runtime dynamically (build with --static-swift-stdlib)" >&2
    exit 1
fi

# The committed Depends (versions as built on Debian 12) must name the same packages as NEEDED does.
committed=$(sed -n 's/^Depends: //p' "$here/control.in")
derived=$("$here/depends.sh" "$binary")
names() { tr ',' '\n' | sed 's/^ *//; s/ .*//' | sort; }
if [ "$(names <<<"$committed")" != "$(names <<<"$derived")" ]; then
    echo "build-deb.sh: packaging/control.in Depends is out of date; packaging/depends.sh says:" >&2
    echo "Depends: $derived" >&2
    exit 1
fi

# Debian ships binaries without debugging symbols (70 MB instead of 114).
strip "$binary"

doc="$stage/usr/share/doc/presetscan"
install -d "$doc"
install -m 644 "$here/copyright" "$doc/copyright"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(LC_ALL=C date -u -R -d "@$epoch")/" "$here/changelog" |
    gzip -9n >"$doc/changelog.Debian.gz"
gzip -9n <"$root/README.md" >"$doc/README.md.gz"
# Debian compresses manual pages.
find "$stage/usr/share/man" -name '*.[1-9]' -exec gzip -9nf {} +

size=$(du -sk --apparent-size --exclude=DEBIAN "$stage" | cut -f1)
install -d "$stage/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$size/" \
    "$here/control.in" >"$stage/DEBIAN/control"
(cd "$stage" && find usr -type f | LC_ALL=C sort | xargs md5sum) \
    >"$stage/DEBIAN/md5sums"
find "$stage" -type d -exec chmod 755 {} +
# Same mtime for every file, so one commit builds one package.
find "$stage" -exec touch -h -d "@$epoch" {} +

mkdir -p "$outdir"
deb="$outdir/presetscan_${version}_${arch}.deb"
SOURCE_DATE_EPOCH="$epoch" dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
