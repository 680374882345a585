# lib.sh — the steps every firmware benchmark shares, sourced by firmware-list.sh, erofs.sh,
# squashfs.sh and payload.sh. They need `$work` (the script's scratch folder) and `$bin`.

# timed LABEL COMMAND...: runs COMMAND under /usr/bin/time -v (stdout to $work/out.LABEL, stderr to
# $work/err.LABEL) and prints "LABEL wall_seconds peak_rss_kib cpu_seconds".
timed() {
    local label="$1"; shift
    local log="$work/time.$label"
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -v -o "$log" "$@" > "$work/out.$label" 2> "$work/err.$label" || true
    end=$(date +%s.%N)
    local rss cpu
    rss=$(awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}' "$log")
    cpu=$(awk -F: '/User time|System time/ {s += $2} END {print s}' "$log")
    echo "$label $(echo "$end - $start" | bc) $rss $cpu"
}

# presetscan_list INPUT: times `presetscan list --format json --stats INPUT` and sets t_ps, rss_ps,
# cpu_ps, found (packages) and bytes_read.
presetscan_list() {
    echo "== presetscan list" >&2
    read -r _ t_ps rss_ps cpu_ps < <(timed presetscan "$bin" list --format json --stats "$1")
    found=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["packages"]))' "$work/out.presetscan")
    bytes_read=$(sed -n 's/^bytes read: \([0-9]*\) of.*/\1/p' "$work/err.presetscan")
}

# aapt_each DIR: `aapt dump badging` on every APK under DIR in path order; sets n_aapt, t_aapt and
# rss_aapt (aapt's peak RSS on the largest APK stands for the loop's).
aapt_each() {
    local start apk biggest
    start=$(date +%s.%N)
    n_aapt=0
    while IFS= read -r apk; do
        aapt dump badging "$apk" > /dev/null 2>&1 || true
        n_aapt=$((n_aapt + 1))
    done < <(find "$1" -name '*.apk' | LC_ALL=C sort)
    t_aapt=$(echo "$(date +%s.%N) - $start" | bc)
    biggest=$(find "$1" -name '*.apk' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
    read -r _ _ rss_aapt _ < <(timed aapt aapt dump badging "$biggest")
}
