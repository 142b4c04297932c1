#!/usr/bin/env python3
"""Checks fixed Dockerfiles against their originals with BuildKit's own parser (the
PyPI `dockerfile` package, e.g. from target/oracle-venv): same instructions in the same
order with the same flags and arguments (stage names compared case-insensitively), and
every ENV / LABEL pair with the same key and the same value once BuildKit's
word lexer has removed quotes and escapes ($ expansions are compared as markers, so a
`$` that expands must still expand and a literal one stay literal).

Usage: target/oracle-venv/bin/python scripts/check-fixed-env-values.py DIR
where DIR holds <n> (fixed text) and <n>.src (path of the original), as written by
`cargo run --release -p dockerfile-lsp --example fix_corpus -- <corpus> --out DIR`.
Meant for fixes that must keep every instruction's meaning as BuildKit reads it (casing,
legacy `ENV a b`, directives): run the example with `--only` those rules. Fixes that add
commands or rewrite instructions on purpose show up as differences.
"""
import os
import re
import sys

import dockerfile


def lex(s, esc):
    out, i, q = [], 0, None
    while i < len(s):
        c = s[i]
        if q is None:
            if c == esc:
                if i + 1 < len(s):
                    out.append(s[i + 1])
                i += 2
                continue
            if c in "\"'":
                q = c
            elif c == "$":
                out.append("<$>")
            else:
                out.append(c)
        elif q == "'":
            if c == "'":
                q = None
            else:
                out.append(c)
        else:
            if c == '"':
                q = None
            elif c == esc and i + 1 < len(s) and s[i + 1] in '"$' + esc:
                out.append(s[i + 1])
                i += 2
                continue
            elif c == "$":
                out.append("<$>")
            else:
                out.append(c)
        i += 1
    return "".join(out)


def escape_of(text):
    for line in text.lstrip("\ufeff").splitlines():
        m = re.match(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$", line)
        if not m:
            break
        if m.group(1).lower() == "escape":
            return m.group(2)
    return "\\"


def summary(text):
    esc = escape_of(text)
    out = []
    for c in dockerfile.parse_string(text):
        cmd, value = c.cmd.upper(), list(c.value)
        if c.sub_cmd:
            cmd += " " + c.sub_cmd.upper()
        if cmd.endswith(("ENV", "LABEL")):
            pairs = [(value[i], lex(value[i + 1], esc)) for i in range(0, len(value) - 1, 2)]
            out.append((cmd, tuple(pairs)))
        elif cmd == "FROM":
            # Stage names are case-insensitive (the casing fixes lower-case them);
            # `--platform=$TARGETPLATFORM` is the default (from-platform-redundant).
            flags = tuple(
                f.lower()
                for f in c.flags
                if f.lower() not in ("--platform=$targetplatform", "--platform=${targetplatform}")
            )
            out.append((cmd, flags, tuple(v.lower() for v in value)))
        else:
            flags = tuple(f.lower() if f.startswith("--from=") else f for f in c.flags)
            out.append((cmd, flags, tuple(value)))
    return out


def main():
    d = sys.argv[1]
    bad = checked = 0
    for name in sorted(os.listdir(d)):
        if name.endswith(".src"):
            continue
        src = open(os.path.join(d, name + ".src")).read()
        before = open(src, encoding="utf-8").read()
        after = open(os.path.join(d, name), encoding="utf-8").read()
        checked += 1
        try:
            a, b = summary(before), summary(after)
        except Exception as e:  # noqa: BLE001 - report any parser failure
            print(f"!! {src}: {e}")
            bad += 1
            continue
        if a != b:
            bad += 1
            print(f"!! {src}")
            for x, y in zip(a, b):
                if x != y:
                    print(f"   before {x}\n   after  {y}")
                    break
            if len(a) != len(b):
                print(f"   {len(a)} instructions before, {len(b)} after")
    print(f"checked {checked} fixed files, {bad} differ")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
