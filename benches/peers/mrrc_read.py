#!/usr/bin/env python3
"""Peer: read an ISO 2709 file with mrrc (a Rust MARC library, Python bindings) and touch every
subfield value (benchmark only)."""
import sys
import mrrc

n = chars = 0
with open(sys.argv[1], "rb") as fh:
    for rec in mrrc.MARCReader(fh):
        if rec is None:
            continue
        n += 1
        for f in rec.get_fields():
            if f.is_control_field():
                chars += len(f.data or "")
            else:
                for sf in f.subfields():
                    chars += len(sf.value)
print(f"records={n} chars={chars}")
