#!/usr/bin/env python3
"""N-Quads in crosswalk's store model for the SPARQL figures in docs/performance.md.

Usage: gen_store_nq.py RECORDS > store.nq   (then: crosswalk load --store DIR store.nq)

Each record gets a record graph (type, title, date, two of RECORDS/20 LCSH-like subjects, language,
creator among RECORDS/5 names) and a provenance graph (isPartOf its collection, a timestamp):
nine quads a record, five collections in turn. Fixed seed, so every run writes the same file.
"""
import random
import sys

B = "https://w3id.org/crosswalk/"
DC = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
COLLECTIONS = ["uva", "ead", "dc", "maps", "music"]


def main():
    records = int(sys.argv[1])
    rng = random.Random(7)
    subjects, names = max(records // 20, 1), max(records // 5, 1)
    out = sys.stdout
    for i in range(records):
        c = COLLECTIONS[i % len(COLLECTIONS)]
        g, p, s = f"<{B}graph/{c}/r{i}>", f"<{B}provenance/{c}/r{i}>", f"<{B}{c}/r{i}>"
        out.write(f"{s} <{RDF_TYPE}> <{DC}BibliographicResource> {g} .\n")
        out.write(f'{s} <{DC}title> "Title number {i} of {c}" {g} .\n')
        out.write(f'{s} <{DC}date> "{1800 + i % 220}"^^<{XSD}gYear> {g} .\n')
        for _ in range(2):
            subject = f"http://id.loc.gov/authorities/subjects/sh{rng.randrange(subjects):07d}"
            out.write(f"{s} <{DC}subject> <{subject}> {g} .\n")
        out.write(f"{s} <{DC}language> <http://id.loc.gov/vocabulary/iso639-2/eng> {g} .\n")
        out.write(f'{s} <{DC}creator> "Author {rng.randrange(names)}" {g} .\n')
        out.write(f"{g} <{DC}isPartOf> <{B}collection/{c}> {p} .\n")
        out.write(f'{g} <http://www.w3.org/ns/prov#generatedAtTime> "2024-05-01T10:00:00Z"^^<{XSD}dateTime> {p} .\n')


if __name__ == "__main__":
    main()
