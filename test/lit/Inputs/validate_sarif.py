"""validate_sarif.py SCHEMA LOG: exits non-zero, with the reason, unless LOG
is valid against the SARIF JSON schema (Debian's python3-jsonschema).

The schema copy keeps the log's own definition under definitions/Root and
has no root constraints of its own: validating against the bare document
would accept anything, so the log is validated against that definition."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
if "properties" not in schema and "Root" in schema.get("definitions", {}):
    schema = dict(schema, **{"$ref": "#/definitions/Root"})
errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(log), key=str)
if errors:
    sys.exit(f"{sys.argv[2]}: not valid SARIF 2.1.0: {errors[0].message}")
print(f"{sys.argv[2]}: valid SARIF 2.1.0")
