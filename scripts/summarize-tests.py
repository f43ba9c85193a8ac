#!/usr/bin/env python3
"""Sums Catch2 test-case counts from meson's testlog.json and prints the one
closing line CI reads: "N passed, M failed". A test binary that crashed or
printed no Catch2 summary counts as one failed test."""
import json, re, sys

passed = failed = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    out = t.get("stdout") or ""
    m = re.search(r"All tests passed \(\d+ assertions? in (\d+) test cases?\)", out)
    if m:
        passed += int(m.group(1))
        if t.get("result") != "OK":
            failed += 1
        continue
    m = re.search(r"test cases:\s+(\d+)\s+\|\s+(\d+) passed\s+\|\s+(\d+) failed", out)
    if m:
        passed += int(m.group(2)); failed += int(m.group(3))
        continue
    m = re.search(r"test cases:\s+(\d+)\s+\|\s+(\d+) failed", out)
    if m:
        failed += int(m.group(2))
        continue
    if t.get("result") == "OK":
        passed += 1
    else:
        failed += 1
        print(f"{t.get('name')}: {t.get('result')} without a Catch2 summary", file=sys.stderr)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
