#!/usr/bin/env python3
"""Peer: read an ISO 2709 file with pymarc and touch every subfield value (benchmark only)."""
import sys
from pymarc import MARCReader

n = chars = 0
with open(sys.argv[1], "rb") as fh:
    for rec in MARCReader(fh, to_unicode=True, force_utf8=False, utf8_handling="replace"):
        if rec is None:
            continue
        n += 1
        for f in rec.get_fields():
            if f.is_control_field():
                chars += len(f.data)
            else:
                for sf in f.subfields:
                    chars += len(sf.value)
print(f"records={n} chars={chars}")
