#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A small JSON Schema validator for the keywords results/trace.schema.json uses (type, const,
enum, required, properties, additionalProperties, items, minimum, maximum, minLength, pattern,
oneOf). The test machines have no jsonschema package; this is enough for our own contract.

Usage: schema_check.py SCHEMA FILE...   (exit 0 when every file is valid)
"""
import json
import re
import sys

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
_SUPPORTED = {"$schema", "$id", "title", "description", "type", "const", "enum", "required",
              "properties", "additionalProperties", "items", "minimum", "maximum", "minLength",
              "pattern", "oneOf"}


def errors(schema, value, path="$"):
    """Yields 'path: problem' for every violation of `schema` by `value`."""
    unknown = set(schema) - _SUPPORTED
    if unknown:
        yield f"{path}: schema uses unsupported keywords {sorted(unknown)}"
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            yield f"{path}: {value!r} is not of type {types}"
            return
    if "const" in schema and value != schema["const"]:
        yield f"{path}: {value!r} is not {schema['const']!r}"
    if "enum" in schema and value not in schema["enum"]:
        yield f"{path}: {value!r} is not one of {schema['enum']}"
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not list(errors(s, value, path))]
        if len(matching) != 1:
            yield f"{path}: {value!r} matches {len(matching)} of the oneOf alternatives, expected 1"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            yield f"{path}: {value} < minimum {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            yield f"{path}: {value} > maximum {schema['maximum']}"
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            yield f"{path}: string shorter than {schema['minLength']}"
        if "pattern" in schema and not re.search(schema["pattern"], value):
            yield f"{path}: {value!r} does not match {schema['pattern']}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                yield f"{path}: missing required key {key!r}"
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, v in value.items():
            if key in props:
                yield from errors(props[key], v, f"{path}.{key}")
            elif extra is False:
                yield f"{path}: unexpected key {key!r}"
            elif isinstance(extra, dict):
                yield from errors(extra, v, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            yield from errors(schema["items"], v, f"{path}[{i}]")


def validate(schema_file, data):
    with open(schema_file, encoding="utf-8") as f:
        schema = json.load(f)
    return list(errors(schema, data))


def main(argv):
    ok = True
    for name in argv[2:]:
        with open(name, encoding="utf-8") as f:
            problems = validate(argv[1], json.load(f))
        for p in problems:
            print(f"{name}: {p}", file=sys.stderr)
        ok = ok and not problems
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
