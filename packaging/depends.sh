#!/usr/bin/env bash
# Prints the Depends field of the presetscan package: the Debian package that provides each shared
# library the binary names (ELF NEEDED), at least at the version installed on this machine.
# `packaging/control.in` commits its output so a build is reproducible; build-deb.sh runs this
# again and fails when the set of packages changed (a new library, or a Swift runtime library
# that is no longer linked statically).
#
#   packaging/depends.sh BINARY
set -euo pipefail
binary="${1:?usage: packaging/depends.sh BINARY}"

needed=$(objdump -p "$binary" | awk '$1 == "NEEDED" { print $2 }')
[ -n "$needed" ] || { echo "depends.sh: $binary names no shared library" >&2; exit 1; }

# The path the dynamic loader resolves each library to, from ldd.
resolved=$(ldd "$binary")
packages=""
for lib in $needed; do
    # "libz.so.1 => /lib/…/libz.so.1 (0x…)", or the loader's own line "/lib64/ld-linux-x86-64.so.2 (0x…)".
    path=$(awk -v l="$lib" '$1 == l && $2 == "=>" { print $3 } $1 ~ ("/" l "$") { print $1 }' <<<"$resolved" | head -1)
    case "$path" in
        "") echo "depends.sh: $lib is not resolved: $(grep -F "$lib" <<<"$resolved")" >&2; exit 1 ;;
        /opt/*|/usr/local/*) echo "depends.sh: $lib resolves to $path, outside Debian (link it statically)" >&2; exit 1 ;;
    esac
    # dpkg -S knows the path Debian installed (/lib is a link to /usr/lib on Debian 12).
    owner=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(realpath "$path")" 2>/dev/null ||
        dpkg -S "${path#/usr}" 2>/dev/null || dpkg -S "/usr$path" 2>/dev/null) ||
        { echo "depends.sh: no Debian package owns $path ($lib)" >&2; exit 1; }
    # "zlib1g:amd64: /lib/x86_64-linux-gnu/libz.so.1"
    packages="$packages $(head -1 <<<"$owner" | sed 's/[:,].*//')"
done

for package in $(tr ' ' '\n' <<<"$packages" | sed '/^$/d' | sort -u); do
    version=$(dpkg-query -W -f='${Version}' "$package")
    printf '%s (>= %s)\n' "$package" "$version"
done | paste -sd, | sed 's/,/, /g'
