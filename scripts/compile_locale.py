"""Compile the project's .po catalogues under locale/ into .mo files, with Python alone.

`make install` runs it, so a fresh machine gets the Dutch admin without gettext's msgfmt.
It reads what the catalogues here use: msgctxt, msgid, msgid_plural, msgstr[n], fuzzy flags
(fuzzy entries are left out, as msgfmt does).
"""

import ast
import re
import struct
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale"
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def parse(path: Path) -> dict[bytes, bytes]:
    """The catalogue as .mo keys and values (plural forms joined by NUL, context by EOT)."""
    messages: dict[bytes, bytes] = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry: dict[str, str] = {}
        plurals: dict[int, str] = {}
        fuzzy, current = False, None
        for line in block.strip().splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if line.startswith("#") or not line.strip():
                continue
            match = _KEYWORD.match(line)
            if match:
                keyword, index, text = match.groups()
                current = ("msgstr", int(index)) if index is not None else keyword
                value = ast.literal_eval(text)
                if isinstance(current, tuple):
                    plurals[current[1]] = value
                else:
                    entry[current] = value
            elif line.startswith('"') and current is not None:
                value = ast.literal_eval(line)
                if isinstance(current, tuple):
                    plurals[current[1]] += value
                else:
                    entry[current] += value
            else:
                raise ValueError(f"{path}: cannot read line {line!r}")
        if "msgid" not in entry or (fuzzy and entry["msgid"]):
            continue
        key = entry["msgid"]
        if "msgid_plural" in entry:
            key += "\0" + entry["msgid_plural"]
            value = "\0".join(plurals[i] for i in sorted(plurals))
        else:
            value = entry.get("msgstr", "")
        if "msgctxt" in entry:
            key = entry["msgctxt"] + "\x04" + key
        if value.replace("\0", "") or not key:
            messages[key.encode()] = value.encode()
    return messages


def write_mo(messages: dict[bytes, bytes], path: Path) -> None:
    keys = sorted(messages)
    ids = b"".join(k + b"\0" for k in keys)
    strs = b"".join(messages[k] + b"\0" for k in keys)
    start = 7 * 4 + 16 * len(keys)
    offsets, id_at, str_at = [], 0, 0
    for k in keys:
        offsets.append((len(k), start + id_at, len(messages[k]), start + len(ids) + str_at))
        id_at += len(k) + 1
        str_at += len(messages[k]) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    table_ids = b"".join(struct.pack("ii", length, at) for length, at, _, _ in offsets)
    table_strs = b"".join(struct.pack("ii", length, at) for _, _, length, at in offsets)
    path.write_bytes(header + table_ids + table_strs + ids + strs)


def main() -> int:
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        write_mo(parse(po), po.with_suffix(".mo"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
