#!/usr/bin/env bash
# Installs the built package into a clean Debian 12 and runs it there: `presetscan --version`, the
# installed man pages and completions, and a scan of the sample firmware and the sample APKs the
# package ships, with its sample registry and policy (exit 1, as `make demo`: unfiled and
# certificate-mismatch apps).
#
# The clean root is a minimal Debian 12 made by debootstrap from the mirror apt uses (kept in
# PRESETSCAN_DEBOOTSTRAP_CACHE, default /var/tmp/presetscan-debootstrap-bookworm, and copied for
# each run), where `apt-get install ./presetscan_*.deb` must resolve every Depends. Without
# debootstrap or the mirror, it falls back to `dpkg -x` into a temporary root, with the Swift
# toolchain (/opt/swift) hidden by a private mount, and `ldd` showing every library resolved.
#
#   packaging/test-deb.sh DEB
set -euo pipefail
deb="$(realpath "${1:?usage: test-deb.sh DEB}")"
root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=$(dpkg-deb -f "$deb" Version)
cache="${PRESETSCAN_DEBOOTSTRAP_CACHE:-/var/tmp/presetscan-debootstrap-bookworm}"
work=$(mktemp -d /var/tmp/presetscan-test-deb.XXXXXX)
mounted=""
cleanup() {
    for m in $mounted; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
pass() { echo "test-deb: ok: $*"; }

# The sample firmware (super.img with two dynamic partitions), made by the host's real tools.
bash "$root_dir/Samples/make-firmware.sh" "$work/firmware" >/dev/null

# The Debian mirror apt uses here, for the clean root and its sources.
mirror=$( (grep -rhoE 'https?://[^ ]*/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true) |
    head -1 | tr -d ' ')
mirror="${mirror:-http://deb.debian.org/debian}"
mirror="${mirror%/}"

make_clean_root() {
    command -v debootstrap >/dev/null || return 1
    if [ ! -x "$cache/usr/bin/apt-get" ]; then
        echo "test-deb: debootstrap --variant=minbase bookworm from $mirror (once, into $cache)" >&2
        rm -rf "$cache.new"
        debootstrap --variant=minbase bookworm "$cache.new" "$mirror" >"$work/debootstrap.log" 2>&1 ||
            { tail -5 "$work/debootstrap.log" >&2; rm -rf "$cache.new"; return 1; }
        rm -rf "$cache" && mv "$cache.new" "$cache"
    fi
    cp -a "$cache" "$work/root"
}

run_in_chroot() {
    local r="$work/root"
    # A Debian 12 as installed: the release, its updates and security updates.
    cat >"$r/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
SOURCES
    cp /etc/resolv.conf "$r/etc/resolv.conf"
    mount -t proc proc "$r/proc" && mounted="$r/proc $mounted"
    in_root() { chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
    in_root apt-get update -qq >/dev/null || fail "apt-get update in the clean root"
    cp "$deb" "$r/tmp/"
    in_root sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/$1" >/tmp/apt.log 2>&1' \
        sh "$(basename "$deb")" || { cat "$r/tmp/apt.log" >&2; fail "apt-get install ./$(basename "$deb")"; }
    pass "apt-get install ./$(basename "$deb") in a clean Debian 12 (debootstrap minbase)"
    in_root sh -c 'command -v swift swiftc' >/dev/null && fail "the clean root has a Swift toolchain"
    [ ! -e "$r/opt/swift" ] || fail "the clean root has /opt/swift"
    if in_root ldd /usr/bin/presetscan | grep -E 'not found|libswift|libFoundation|libdispatch'; then
        fail "ldd in the clean root"
    fi
    pass "ldd: every library resolved from the clean root, no Swift runtime library"
    check_installed "$r" in_root
    mkdir -p "$r/tmp/firmware" && cp "$work/firmware/super.img" "$r/tmp/firmware/"
    scan in_root /tmp/firmware/super.img
}

run_extracted() {
    local r="$work/root"
    echo "test-deb: no clean root (debootstrap or the mirror unavailable): dpkg -x and ldd instead" >&2
    dpkg -x "$deb" "$r"
    local missing=""
    local package
    for package in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//'); do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing="$missing $package"
    done
    [ -z "$missing" ] || fail "Depends not installed here:$missing"
    ldd "$r/usr/bin/presetscan" >"$work/ldd.txt"
    if grep -E 'not found|/opt/|libswift|libFoundation|libdispatch' "$work/ldd.txt"; then fail "ldd"; fi
    pass "ldd: every library resolved from the system, none from the Swift toolchain"
    # Hide the toolchain from the binary: a private mount namespace with /opt/swift empty.
    in_root() {
        local command="$1"; shift
        [ "$command" = presetscan ] && command="$r/usr/bin/presetscan"
        unshare --mount sh -c '[ ! -d /opt/swift ] || mount -t tmpfs none /opt/swift || exit 97
            exec env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"' \
            sh "$command" "$@"
    }
    check_installed "$r" in_root
    scan in_root "$work/firmware/super.img" "$r"
}

# The files the package must hold, and the binary answering in the root.
check_installed() {
    local r="$1" runner="$2" path
    for path in usr/bin/presetscan usr/share/man/man1/presetscan.1.gz usr/share/man/man1/presetscan.scan.1.gz \
        usr/share/bash-completion/completions/presetscan usr/share/zsh/vendor-completions/_presetscan \
        usr/share/fish/vendor_completions.d/presetscan.fish usr/share/doc/presetscan/copyright \
        usr/share/doc/presetscan/changelog.Debian.gz usr/share/presetscan/samples/registry/filings.csv \
        usr/share/presetscan/samples/policy/policy.yaml usr/share/presetscan/pull-device.sh; do
        [ -e "$r/$path" ] || fail "/$path is not installed"
    done
    local got
    got=$("$runner" presetscan --version) || fail "presetscan --version"
    [ "$got" = "$version" ] || fail "presetscan --version says '$got', the package is $version"
    pass "presetscan --version: $got"
    got=$("$runner" presetscan --generate-completion-script bash) || fail "presetscan --generate-completion-script"
    grep -q '^complete .*presetscan' <<<"$got" || fail "the bash completion script registers no completion"
}

scan() {
    local runner="$1" image="$2" prefix="${3:-}" status=0
    local samples="$prefix/usr/share/presetscan/samples"
    "$runner" presetscan scan "$image" "$samples/apk" --registry "$samples/registry/filings.csv" \
        --policy "$samples/policy/policy.yaml" --no-progress --format json >"$work/scan.json" 2>"$work/scan.err" ||
        status=$?
    [ "$status" = 1 ] || { cat "$work/scan.err" >&2; fail "scan exited $status, expected 1 (failing sample apps)"; }
    python3 - "$work/scan.json" <<'PY' || fail "scan report"
import json, sys
report = json.load(open(sys.argv[1]))
apps = report.get("apps", [])
verdicts = sorted({a.get("verdict") for a in apps})
assert len(apps) >= 10, f"{len(apps)} apps"
assert {"filed", "unfiled", "certificate-mismatch"} <= set(verdicts), verdicts
print(f"test-deb: ok: scan of the sample super.img and the shipped sample APKs: {len(apps)} apps, verdicts {', '.join(verdicts)}, exit 1")
PY
}

# PRESETSCAN_TEST_DEB=extract skips debootstrap (to try the fallback).
if [ "${PRESETSCAN_TEST_DEB:-}" != extract ] && [ "$(id -u)" = 0 ] && make_clean_root; then
    run_in_chroot
else
    mkdir -p "$work/root"
    run_extracted
fi
echo "test-deb: passed"
