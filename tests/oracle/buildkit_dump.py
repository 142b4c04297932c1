"""Dumps BuildKit's view of Dockerfiles as JSON, for the oracle test in tests/oracle.

Usage: buildkit_dump.py [--list FILE] [--out FILE] [PATH...]

Every path (given as an argument, or one per line in the --list file) is parsed with the
PyPI package `dockerfile`, a binding of BuildKit's own Go parser. `parse_file` hands the
path to Go, which reads the raw bytes itself, so the files are parsed byte-exact. The
output maps each path to either {"ok": false, "error": "..."} or {"ok": true,
"instructions": [...]} with the fields of the package's Command tuples.
"""

import argparse
import json
import sys

import dockerfile


def command_to_json(cmd):
    """Converts one `dockerfile.Command` tuple into a plain JSON object."""
    return {
        "cmd": cmd.cmd,
        "sub_cmd": cmd.sub_cmd,
        "json": bool(cmd.json),
        "start_line": cmd.start_line,
        "end_line": cmd.end_line,
        "flags": list(cmd.flags),
        "value": list(cmd.value),
        "heredocs": [
            {"name": h.name, "fd": h.file_descriptor, "content": h.content}
            for h in cmd.heredocs
        ],
        "original": cmd.original,
    }


def dump(path):
    """Parses one file and returns its JSON view; parser errors become `ok: false`."""
    try:
        commands = dockerfile.parse_file(path)
    except (dockerfile.GoParseError, dockerfile.GoIOError) as err:
        return {"ok": False, "error": str(err)}
    except Exception as err:  # A decoding problem in the binding is reported, not fatal.
        return {"ok": False, "error": f"{type(err).__name__}: {err}"}
    return {"ok": True, "instructions": [command_to_json(c) for c in commands]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", help="a file with one path per line")
    parser.add_argument("--out", help="write the JSON here instead of stdout")
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()

    paths = list(args.paths)
    if args.list:
        with open(args.list, encoding="utf-8") as f:
            paths.extend(line.rstrip("\n") for line in f if line.strip())

    result = {path: dump(path) for path in paths}
    text = json.dumps(result, ensure_ascii=False)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
