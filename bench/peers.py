#!/usr/bin/env python3
"""The schema-only peers of `bench/run.sh`: the same content as JSON, validated by other tools.

    peers.py split EXPORT.json OUT_DIR SCHEMA_DIR   # write the peers' input (see below)
    peers.py validate OUT_DIR                       # validate it with jsonschema-rs (PyPI)

`split` reads the envelope of `contingent export` and writes, for every .kdl file of the
repository, one JSON file holding that file's objects: `{"kind": KIND, "objects": [...]}`
(a file holding several kinds gives one JSON file per kind). The files are dealt round-robin
into OUT_DIR/0 and OUT_DIR/1, one shard per job of ajv-cli. It also writes OUT_DIR/any.schema.json,
which validates such a file by its kind against the schemas of SCHEMA_DIR (`$ref` by their `$id`),
for ajv-cli, and OUT_DIR/count with the number of objects.

`validate` reads every JSON file below OUT_DIR/0 and OUT_DIR/1 and validates each object against
its kind's schema with jsonschema-rs (validators built once per kind). Schema only: no rules.
It prints the number of objects and exits 1 if one is invalid.

Python 3.11, standard library only apart from `jsonschema_rs` for `validate`.
"""

import json
import os
import sys


def split(export_path, out_dir, schema_dir):
    with open(export_path, encoding="utf-8") as f:
        envelope = json.load(f)
    groups = {}
    for o in envelope["objects"]:
        groups.setdefault((o["file"], o["kind"]), []).append(o["object"])
    os.makedirs(out_dir, exist_ok=True)
    kinds = set()
    for i, ((file, kind), objects) in enumerate(sorted(groups.items())):
        kinds.add(kind)
        shard = os.path.join(out_dir, str(i % 2))
        os.makedirs(shard, exist_ok=True)
        name = file.replace("/", "__")[: -len(".kdl")] + f".{kind}.json"
        with open(os.path.join(shard, name), "w", encoding="utf-8") as f:
            json.dump({"kind": kind, "objects": objects}, f, ensure_ascii=False, separators=(",", ":"))
    ids = {}
    for kind in sorted(kinds):
        with open(os.path.join(schema_dir, f"{kind}.schema.json"), encoding="utf-8") as f:
            ids[kind] = json.load(f)["$id"]
    any_schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["kind", "objects"],
        "properties": {"kind": {"enum": sorted(kinds)}},
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": kind}}},
                "then": {"properties": {"objects": {"type": "array", "items": {"$ref": ids[kind]}}}},
            }
            for kind in sorted(kinds)
        ],
    }
    with open(os.path.join(out_dir, "any.schema.json"), "w", encoding="utf-8") as f:
        json.dump(any_schema, f, indent=1)
    with open(os.path.join(out_dir, "kinds"), "w", encoding="utf-8") as f:
        f.write("\n".join(sorted(kinds)) + "\n")
    n = len(envelope["objects"])
    with open(os.path.join(out_dir, "count"), "w", encoding="utf-8") as f:
        f.write(f"{n}\n")
    print(f"{n} objects of {len(kinds)} kinds in {len(groups)} JSON files ({out_dir})")


def validate(out_dir, schema_dir):
    import jsonschema_rs

    validators = {}
    count = invalid = 0
    for shard in ("0", "1"):
        d = os.path.join(out_dir, shard)
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), "rb") as f:
                doc = json.loads(f.read())
            kind = doc["kind"]
            v = validators.get(kind)
            if v is None:
                with open(os.path.join(schema_dir, f"{kind}.schema.json"), encoding="utf-8") as f:
                    v = validators[kind] = jsonschema_rs.validator_for(json.load(f))
            for o in doc["objects"]:
                count += 1
                if not v.is_valid(o):
                    invalid += 1
    print(f"jsonschema-rs: {count} objects, {invalid} invalid")
    return 1 if invalid else 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "split":
        split(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "validate":
        sys.exit(validate(sys.argv[2], sys.argv[3]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
