"""One tool of the HL7 v2 part of scripts/bench-peers, in its own process: checks every message
once (which also warms the tool up), then times the loop over `count` messages (cycling
through them) and prints one JSON line: {"tool", "count", "seconds", "failed": [names]}.
Only the loop is timed, not the start-up, the imports or the check.

Tools:
  python-hl7  hl7.parse(text), then PID-5 read (str of the field)
  hl7apy      hl7apy.parser.parse_message(text), then PID-5 read (its ER7)
  pfhir       pfhir.hl7_to_bundle(raw bytes, options): parse, map, build and validate the
              partner Bundle; the result must say AA

Usage: python hl7_worker.py TOOL MESSAGES.json COUNT   (MESSAGES.json: see hl7_run.py)
"""
import base64
import json
import sys
import time


def python_hl7():
    import hl7

    def one(m):
        return str(hl7.parse(m["text"]).segment("PID")[5])

    return one


def hl7apy():
    from hl7apy.parser import parse_message

    def one(m):
        return parse_message(m["text"]).pid.pid_5.to_er7()

    return one


def pfhir():
    import pfhir as p

    def one(m):
        r = p.hl7_to_bundle(m["raw"], m["options"])
        return r.bundle if r.ack_code == "AA" else ""

    return one


def main() -> None:
    tool, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    messages = json.load(open(path, encoding="utf-8"))
    if tool == "pfhir":
        import pfhir as p

        for m in messages:
            m["raw"] = base64.b64decode(m["raw"])
            m["options"] = p.Hl7Options(**m["options"])
    one = {"python-hl7": python_hl7, "hl7apy": hl7apy, "pfhir": pfhir}[tool]()
    failed = []
    for m in messages:
        if tool == "pfhir":  # no exception expected: one would stop the bench, with its reason
            r = p.hl7_to_bundle(m["raw"], m["options"])
            if r.ack_code != "AA":
                ids = ", ".join(f"{i.message_id} at {i.location}" for i in r.issues)
                failed.append(f"{m['name']} (ACK {r.ack_code}: {ids})")
            continue
        try:
            if not one(m):
                failed.append(m["name"])
        except Exception as e:  # a peer that cannot parse a message: the driver leaves it out
            failed.append(f"{m['name']} ({type(e).__name__})")
    if failed or count < 1:
        print(json.dumps({"tool": tool, "count": 0, "seconds": 0.0, "failed": failed}))
        return
    n = len(messages)
    empty = 0
    started = time.perf_counter()
    for i in range(count):
        if not one(messages[i % n]):
            empty += 1
    seconds = time.perf_counter() - started
    if empty:
        sys.exit(f"error: {tool}: {empty} of {count} messages gave no PID-5 / no AA in the loop")
    print(json.dumps({"tool": tool, "count": count, "seconds": seconds, "failed": []}))


main()
