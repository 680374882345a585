"""Removes the manual pages generate-manual wrote for hidden subcommands (shouldDisplay: false in
`presetscan --experimental-dump-help`, read from stdin) and their SEE ALSO entries elsewhere.

    presetscan --experimental-dump-help | python3 drop-hidden-pages.py MANDIR
"""
import json
import os
import re
import sys

mandir = sys.argv[1]
hidden = set()


def walk(command, name):
    if command.get("shouldDisplay") is False:
        hidden.add(name)
    for sub in command.get("subcommands") or []:
        walk(sub, name + "." + sub["commandName"])


walk(json.load(sys.stdin)["command"], "presetscan")
for name in hidden:
    page = os.path.join(mandir, name + ".1")
    if os.path.exists(page):
        os.remove(page)

# SEE ALSO is a run of ".Xr NAME 1 ," lines, the last one without the comma.
XR = re.compile(r"^\.Xr (\S+) (\d+)(?: ([,.]))?(.*)$")
for page in sorted(os.listdir(mandir)):
    path = os.path.join(mandir, page)
    lines = open(path, encoding="utf-8").read().split("\n")
    refs = [(i, XR.match(line)) for i, line in enumerate(lines) if XR.match(line)]
    if not any(m.group(1) in hidden for _, m in refs):
        continue
    tail = refs[-1][1].group(4)
    kept = [m for _, m in refs if m.group(1) not in hidden]
    rewritten = [f".Xr {m.group(1)} {m.group(2)} ," for m in kept]
    if rewritten:
        rewritten[-1] = rewritten[-1][:-2] + tail
    first, last = refs[0][0], refs[-1][0]
    lines = lines[:first] + rewritten + lines[last + 1:]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
