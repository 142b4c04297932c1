"""Reports BuildKit's verdict on many Dockerfile texts, for the fix-all proof in tests/fixall.

Usage: buildkit_shape.py --in FILE --out FILE

The input is a JSON array of Dockerfile texts. Each is parsed with the PyPI package
`dockerfile`, a binding of BuildKit's own Go parser (`parse_string` hands the UTF-8
bytes to Go). The output is a JSON array, in input order, of either
{"ok": false, "error": "..."} or {"ok": true, "cmds": [...], "stages": [...]}: the
instruction keywords (lowercased; ONBUILD counts once) and, for each FROM, the stage
name as BuildKit's `instructions.Parse` keeps it (`FROM image AS Name` -> "name";
null for an unnamed stage).
"""

import argparse
import json

import dockerfile


def stage_name(value):
    """The stage name of a FROM's arguments, lowercased as BuildKit does, or None."""
    if len(value) == 3 and value[1].lower() == "as":
        return value[2].lower()
    return None


def shape(text):
    """Parses one text and returns its JSON verdict; parser errors become `ok: false`."""
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError as err:
        return {"ok": False, "error": str(err)}
    except Exception as err:  # A decoding problem in the binding is reported, not fatal.
        return {"ok": False, "error": f"{type(err).__name__}: {err}"}
    return {
        "ok": True,
        "cmds": [c.cmd.lower() for c in commands],
        "stages": [stage_name(c.value) for c in commands if c.cmd.lower() == "from"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--in", dest="inp", required=True, help="a JSON array of texts")
    parser.add_argument("--out", required=True, help="where to write the JSON verdicts")
    args = parser.parse_args()
    with open(args.inp, encoding="utf-8") as f:
        texts = json.load(f)
    result = [shape(t) for t in texts]
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
