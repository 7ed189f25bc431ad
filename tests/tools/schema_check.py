#!/usr/bin/env python3
"""schema_check.py SCHEMA [FILE]: validates the JSON document in FILE (or
stdin) against the JSON Schema SCHEMA (Draft 2020-12, python3-jsonschema,
formats checked). Prints one line per problem (the JSON path and why) and
exits 1 when there is one, 2 when the schema or document cannot be read."""
import json
import sys

import jsonschema


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1]) as f:
            schema = json.load(f)
        doc = json.load(open(sys.argv[2]) if len(sys.argv) == 3 else sys.stdin)
    except (OSError, ValueError) as e:
        print(f"schema_check: {e}", file=sys.stderr)
        return 2
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema)
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors:
        # a oneOf failure: report the branch for the document's kind
        causes = [c for c in (e.context or []) if c.validator != "const"]
        for c in causes or [e]:
            path = "/".join(str(p) for p in c.absolute_path) or "(document)"
            print(f"{path}: {c.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
