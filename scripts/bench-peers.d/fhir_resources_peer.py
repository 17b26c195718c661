"""Peer of `pfhir validate --ndjson`: fhir.resources (pydantic-core), each line of an NDJSON
file validated as an STU3 Bundle with pydantic's JSON validation. Prints "valid N invalid M".

Usage: python fhir_resources_peer.py NDJSON
"""
import sys

from fhir.resources.STU3.bundle import Bundle
from pydantic import ValidationError


def main() -> None:
    valid = invalid = 0
    with open(sys.argv[1], "rb") as lines:
        for line in lines:
            line = line.strip()
            if not line:
                continue
            try:
                Bundle.model_validate_json(line)
                valid += 1
            except ValidationError:
                invalid += 1
    print(f"valid {valid} invalid {invalid}")


main()
