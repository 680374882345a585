#!/usr/bin/env bash
# Pulls the preset apps of a device connected with adb (or hdc for HarmonyOS) into a folder that
# `presetscan scan` reads. Nothing on the device is changed and no root is needed: the app folders
# of the read-only partitions and the APKs that `pm path` names are world-readable.
#
#   tools/pull-device.sh [--dry-run] [--serial ID] [--hdc] [--mode all|partitions|packages]
#                        [--dir /REMOTE/DIR]... OUT_DIR
#
#   partitions  copies the app folders of the read-only partitions (/system/app, /product/priv-app …)
#               that exist on the device, whole: what the firmware presets, installed or not
#   packages    asks the package manager for every system package (`pm list packages -s -f`) and
#               copies each APK `pm path` names (base and splits) that the partitions did not
#               already bring: updated system apps live in /data/app
#   all         both (default)
#
# --dry-run asks the device what is there, then prints the copy commands instead of running them.
# Writes OUT_DIR/device-properties.txt (getprop: model, build fingerprint) and OUT_DIR/pull-log.tsv
# (one line per remote path: ok or failed). Exits 0 when everything listed was copied, 1 when a
# copy failed (the log says which: the scan does not cover it), 2 on bad arguments or no device.
set -uo pipefail

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# Where preset apps sit. Android: AOSP partitions plus the folders makers use for removable
# preloads; a folder that is a link to another (/system/product -> /product) is copied once.
ANDROID_DIRS="/system/app /system/priv-app /system/product/app /system/product/priv-app
/system/system_ext/app /system/system_ext/priv-app /product/app /product/priv-app
/system_ext/app /system_ext/priv-app /vendor/app /vendor/priv-app /odm/app /odm/priv-app
/oem/app /preload /system/preload /product/preload /data/preload /system/vendor/app"
# HarmonyOS: the preset bundle folders of the system, product and chip partitions.
HARMONY_DIRS="/system/app /sys_prod/app /chip_prod/app /preload/app /cust/app /vendor/app"

dry_run=0 serial="" tool=adb mode=all out="" extra_dirs=""
while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) dry_run=1 ;;
        --serial) [ $# -ge 2 ] || usage; serial="$2"; shift ;;
        --hdc) tool=hdc ;;
        --mode) [ $# -ge 2 ] || usage; mode="$2"; shift ;;
        --dir) [ $# -ge 2 ] || usage; extra_dirs="$extra_dirs $2"; shift ;;
        -h|--help) usage ;;
        -*) echo "pull-device: unknown option $1" >&2; usage ;;
        *) [ -z "$out" ] || usage; out="$1" ;;
    esac
    shift
done
[ -n "$out" ] || usage
case "$mode" in all|partitions|packages) ;; *) echo "pull-device: --mode all|partitions|packages" >&2; exit 2 ;; esac
if [ "$tool" = hdc ] && [ "$mode" = packages ]; then
    echo "pull-device: --hdc copies partitions only (bm dump gives no plain path list)" >&2; exit 2
fi
command -v "$tool" >/dev/null || { echo "pull-device: $tool is not on PATH" >&2; exit 2; }

# The device tool with the serial, if any: adb -s ID …, hdc -t ID ….
dev() {
    if [ -n "$serial" ]; then
        if [ "$tool" = adb ]; then adb -s "$serial" "$@"; else hdc -t "$serial" "$@"; fi
    else
        "$tool" "$@"
    fi
}
dev_shell() { dev shell "$@" | tr -d '\r'; }
quote() { printf '%q' "$1"; }
dev_prefix() {
    if [ -z "$serial" ]; then printf '%s' "$tool"
    elif [ "$tool" = adb ]; then printf 'adb -s %s' "$(quote "$serial")"
    else printf 'hdc -t %s' "$(quote "$serial")"; fi
}

# One device must answer: adb get-state says "device"; hdc lists its targets.
if [ "$tool" = adb ]; then
    state=$(dev get-state 2>/dev/null | tr -d '\r')
    if [ "$state" != device ]; then
        echo "pull-device: no device ready (adb get-state: ${state:-none}); see 'adb devices'" >&2; exit 2
    fi
else
    targets=$(hdc list targets 2>/dev/null | tr -d '\r')
    if [ -z "$targets" ] || [ "$targets" = "[Empty]" ]; then
        echo "pull-device: no device ready (hdc list targets: empty)" >&2; exit 2
    fi
fi

[ "$dry_run" = 1 ] || mkdir -p "$out" || exit 2
log="$out/pull-log.tsv"
[ "$dry_run" = 1 ] || : >"$log"
failed=0 copied=0

# Copies one remote path to OUT_DIR/<same path>, or prints the commands under --dry-run.
pull() {
    local remote="$1" local_path="$out$1"
    local parent; parent=$(dirname "$local_path")
    if [ "$dry_run" = 1 ]; then
        printf 'mkdir -p %s\n' "$(quote "$parent")"
        if [ "$tool" = adb ]; then
            printf '%s pull %s %s\n' "$(dev_prefix)" "$(quote "$remote")" "$(quote "$local_path")"
        else
            printf '%s file recv %s %s\n' "$(dev_prefix)" "$(quote "$remote")" "$(quote "$local_path")"
        fi
        return
    fi
    mkdir -p "$parent"
    local status=ok
    if [ "$tool" = adb ]; then
        dev pull "$remote" "$local_path" >/dev/null 2>>"$out/pull-errors.txt" || status=failed
    else
        # hdc file recv exits 0 on some failures; a missing result is a failure too.
        dev file recv "$remote" "$local_path" >/dev/null 2>>"$out/pull-errors.txt" || status=failed
        [ -e "$local_path" ] || status=failed
    fi
    printf '%s\t%s\n' "$status" "$remote" >>"$log"
    if [ "$status" = ok ]; then copied=$((copied + 1)); else
        failed=$((failed + 1)); echo "pull-device: could not copy $remote" >&2
    fi
}

# The device's identity, kept with the copy for the record.
if [ "$dry_run" = 0 ]; then
    if [ "$tool" = adb ]; then dev_shell getprop >"$out/device-properties.txt" 2>/dev/null
    else dev_shell param get >"$out/device-properties.txt" 2>/dev/null; fi
fi

pulled_dirs=""
if [ "$mode" != packages ]; then
    if [ "$tool" = adb ]; then dirs="$ANDROID_DIRS"; else dirs="$HARMONY_DIRS"; fi
    dirs="$dirs $extra_dirs"
    # One round trip: each folder that exists, with the folder it really is (links resolved).
    probe="for d in $(echo $dirs); do if [ -d \"\$d\" ]; then echo \"\$(readlink -f \"\$d\")\"; fi; done"
    for dir in $(dev_shell "$probe" | sort -u); do
        pull "$dir"
        pulled_dirs="$pulled_dirs $dir/"
    done
fi

under_pulled_dir() {
    local d
    for d in $pulled_dirs; do case "$1" in "$d"*) return 0 ;; esac; done
    return 1
}

if [ "$mode" != partitions ]; then
    # package:/system/app/Foo/Foo.apk=com.foo (the name follows the last '=').
    packages=$(dev_shell pm list packages -s -f | sed -n 's/^package:.*=\([^=]*\)$/\1/p' | sort -u)
    for package in $packages; do
        # Every APK of the package (base and splits); updated system apps point into /data/app.
        for path in $(dev_shell pm path "$package" | sed -n 's/^package://p'); do
            under_pulled_dir "$path" || pull "$path"
        done
    done
fi

if [ "$dry_run" = 0 ]; then
    [ -s "$out/pull-errors.txt" ] || rm -f "$out/pull-errors.txt"
    echo "pull-device: copied $copied path(s) into $out, $failed failed (see $log)" >&2
fi
[ "$failed" = 0 ]
