"""Reference, not a validator: Python's json.loads over each line of an NDJSON file.
Prints "valid N invalid M" (invalid: not JSON).

Usage: python json_loads_reference.py NDJSON
"""
import json
import sys


def main() -> None:
    valid = invalid = 0
    with open(sys.argv[1], "rb") as lines:
        for line in lines:
            line = line.strip()
            if not line:
                continue
            try:
                json.loads(line)
                valid += 1
            except ValueError:
                invalid += 1
    print(f"valid {valid} invalid {invalid}")


main()
