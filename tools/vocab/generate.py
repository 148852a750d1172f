#!/usr/bin/env python3
"""Builds the shipped SKOS vocabularies in vocabularies/*.ttl from $CROSSWALK_SHARED/vocab.

Usage:  CROSSWALK_SHARED=/work/shared python3 tools/vocab/generate.py [name ...] [--out DIR]

Names: relators iso639-1 iso639-2 countries gacs dcmitype rightsstatements cc lcsh lcgft aat
(all when none is given). Python 3 standard library only. Output is sorted, so a rerun over
the same input writes the same bytes; the scheme's owl:versionInfo is the source commit (when
SOURCES.tsv records one) plus a hash of the input files.
"""

import csv
import glob
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rdfmini import (DCT, MADS, RDF, SKOS, Keyword, Scheme, as_list, read_edn_forms,  # noqa: E402
                     read_ntriples, read_rdfxml, read_turtle, sha256_of, shared)

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCE = "http://purl.org/dc/elements/1.1/"
ID = "http://id.loc.gov/vocabulary/"


def commit_of(rel):
    """The commit SOURCES.tsv records for a shared file, or 'unrecorded'."""
    with open(shared("SOURCES.tsv"), encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["file"] == rel:
                return f"{row['repo']}@{row['commit'][:12]}"
    return "unrecorded"


def version(rels):
    commits = sorted({commit_of(r) for r in rels})
    return " ".join(commits) + " sha256:" + sha256_of([shared(r) for r in rels])


def by_subject(triples):
    out = {}
    for s, p, o in triples:
        out.setdefault(s, {}).setdefault(p, []).append(o)
    return out


def lit_term(o, default_lang=None):
    _, value, lang, _dt = o
    lang = lang or default_lang
    return ("lit", value.strip(), lang) if lang else ("typed", value.strip(), "http://www.w3.org/2001/XMLSchema#string")


def plain(value, lang=None):
    return ("lit", value, lang) if lang else ("typed", value, "http://www.w3.org/2001/XMLSchema#string")


# ------------------------------------------------------------------------------ relators

def relators():
    rel = "vocab/relators/relators.madsrdf.ttl"
    members_rel = "vocab/prefixcc-harvest/mrel.ttl"
    members = {o[2:] for s, p, o in read_ntriples(shared(members_rel)) if p == "I:" + MADS + "hasMADSSchemeMember"}
    subj = by_subject(read_turtle(shared(rel)))
    sc = Scheme(ID + "relators", "relators", "MARC Code List for Relators",
                version([rel, members_rel]), "id.loc.gov relators (MADS/RDF), " + rel,
                "public domain (Library of Congress, id.loc.gov)")
    for s, props in subj.items():
        iri = s[2:]
        if iri not in members:
            continue
        for o in props.get("I:" + MADS + "authoritativeLabel", []):
            sc.add(iri, "skos:prefLabel", lit_term(o, "en"))
        for o in props.get("I:" + MADS + "code", []):
            sc.add(iri, "skos:notation", plain(o[1]))
        for v in props.get("I:" + MADS + "hasVariant", []):
            for o in subj.get(v, {}).get("I:" + MADS + "variantLabel", []):
                sc.add(iri, "skos:altLabel", lit_term(o, "en"))
        for o in props.get("I:" + MADS + "definitionNote", []):
            sc.add(iri, "skos:definition", lit_term(o, "en"))
        for p, q in (("hasBroaderAuthority", "skos:broader"), ("hasNarrowerAuthority", "skos:narrower")):
            for o in props.get("I:" + MADS + p, []):
                if o[2:] in members:
                    sc.add(iri, q, ("iri", o[2:]))
    return sc


# ------------------------------------------------------------------------------ languages

BT_PAIRS = [("alb", "sqi"), ("arm", "hye"), ("baq", "eus"), ("bur", "mya"), ("chi", "zho"), ("cze", "ces"),
            ("dut", "nld"), ("fre", "fra"), ("geo", "kat"), ("ger", "deu"), ("gre", "ell"), ("ice", "isl"),
            ("mac", "mkd"), ("mao", "mri"), ("may", "msa"), ("per", "fas"), ("rum", "ron"), ("slo", "slk"),
            ("tib", "bod"), ("wel", "cym")]


def kw_iri(k):
    """:loc.iso639-1/aa → http://id.loc.gov/vocabulary/iso639-1/aa"""
    ns, _, local = str(k).partition("/")
    if ns == "loc.vocabulary":
        return ID + local
    if ns.startswith("loc."):
        return ID + ns[4:] + "/" + local
    return None


def edn_concepts(rel):
    for form in read_edn_forms(shared(rel)):
        if isinstance(form, tuple) and len(form) >= 4 and form[0] == "def" and isinstance(form[-1], dict):
            m = form[-1]
            if "skos/notation" in m or "madsrdf/code" in m:
                yield m


def labels(sc, iri, pred, values):
    for v in as_list(values):
        if isinstance(v, dict):
            sc.add(iri, pred, plain(v["rdf/value"].strip(), v.get("rdf/language")))
        elif isinstance(v, str):
            sc.add(iri, pred, plain(v.strip(), None))


def iso639_2():
    rel = "vocab/loc-edn/iso639_2.cljc"
    sc = Scheme(ID + "iso639-2", "iso639-2", "ISO 639-2: Codes for the Representation of Names of Languages",
                version([rel]), "id.loc.gov iso639-2, as the Clojure/EDN rendering " + rel,
                "public domain (Library of Congress, id.loc.gov); EDN rendering ISC (Adrian Medina), see loc-edn/LICENSE.md")
    by_639_1 = {}
    for m in edn_concepts(rel):
        iri = kw_iri(m["db/ident"])
        code = m.get("skos/notation") or m.get("madsrdf/code")
        sc.add(iri, "skos:notation", plain(code))
        labels(sc, iri, "skos:prefLabel", m.get("skos/prefLabel") or m.get("madsrdf/authoritativeLabel"))
        labels(sc, iri, "skos:altLabel", m.get("skos/altLabel"))
        for n in as_list(m.get("skos/note") or m.get("madsrdf/note")):
            if isinstance(n, dict) and n.get("rdf/value") in ("Bibliographic Code", "Terminology Code"):
                sc.add(iri, "skos:note", plain(n["rdf/value"], "en"))
        for k in as_list(m.get("skos/exactMatch")):
            t = kw_iri(k)
            if t:
                sc.add(iri, "skos:exactMatch", ("iri", t))
                if "/iso639-1/" in t:
                    by_639_1.setdefault(t, []).append(iri)
    # The EDN rendering keeps one concept per language: for the 20 languages with separate
    # bibliographic (B) and terminology (T) codes (ISO 639-2 section 5), only one of the two is
    # there. Add the missing one with the same labels, so both codes resolve.
    for b, t in BT_PAIRS:
        have, missing, note = (t, b, "Bibliographic Code") if ID + "iso639-2/" + t in sc.concepts else (b, t, "Terminology Code")
        src = ID + "iso639-2/" + have
        dst = ID + "iso639-2/" + missing
        if src not in sc.concepts or dst in sc.concepts:
            continue
        sc.add(dst, "skos:notation", plain(missing))
        sc.add(dst, "skos:note", plain(note, "en"))
        for v in sc.concepts[src].get("skos:prefLabel", ()):
            sc.add(dst, "skos:prefLabel", v)
        for v in sc.concepts[src].get("skos:exactMatch", ()):
            sc.add(dst, "skos:exactMatch", v)
            if "/iso639-1/" in v[1]:
                by_639_1.setdefault(v[1], []).append(dst)
        sc.add(dst, "skos:exactMatch", ("iri", src))
    # B and T codes for one language (tib / bod) match each other too.
    for group in by_639_1.values():
        for a in group:
            for b in group:
                if a != b:
                    sc.add(a, "skos:exactMatch", ("iri", b))
    # Prefer-label duplicates (same text as pref in one language) are not alt labels.
    for iri, props in sc.concepts.items():
        if "skos:altLabel" in props:
            props["skos:altLabel"] -= props.get("skos:prefLabel", set())
            if not props["skos:altLabel"]:
                del props["skos:altLabel"]
    return sc, by_639_1


def iso639_1(by_639_1):
    rel = "vocab/prefixcc-harvest/language.ttl"
    sc = Scheme(ID + "iso639-1", "iso639-1", "ISO 639-1: Codes for the Representation of Names of Languages, Part 1",
                version([rel]), "id.loc.gov iso639-1 (en/fr/de labels), " + rel,
                "public domain (Library of Congress, id.loc.gov)")
    for s, p, o in read_ntriples(shared(rel)):
        if not (s.startswith("I:" + ID + "iso639-1/") and p == "I:" + SKOS + "prefLabel"):
            continue
        iri = s[2:]
        sc.add(iri, "skos:prefLabel", lit_term(o))
        sc.add(iri, "skos:notation", plain(iri.rsplit("/", 1)[1]))
        for t in by_639_1.get(iri, []):
            sc.add(iri, "skos:exactMatch", ("iri", t))
    return sc


# ------------------------------------------------------------------------------ places

def countries():
    rel = "vocab/loc-edn/countries.cljc"
    sc = Scheme(ID + "countries", "countries", "MARC Code List for Countries",
                version([rel]), "id.loc.gov countries, as the Clojure/EDN rendering " + rel,
                "public domain (Library of Congress, id.loc.gov); EDN rendering ISC (Adrian Medina), see loc-edn/LICENSE.md")
    for m in edn_concepts(rel):
        iri = kw_iri(m["db/ident"])
        sc.add(iri, "skos:notation", plain(m.get("skos/notation") or m.get("madsrdf/code")))
        labels(sc, iri, "skos:prefLabel", m.get("skos/prefLabel") or m.get("madsrdf/authoritativeLabel"))
        labels(sc, iri, "skos:altLabel", m.get("skos/altLabel"))
        for k in as_list(m.get("skos/exactMatch")):
            if isinstance(k, Keyword) and kw_iri(k):
                sc.add(iri, "skos:exactMatch", ("iri", kw_iri(k)))
        for k in as_list(m.get("skos/broadMatch")):
            if isinstance(k, Keyword) and kw_iri(k):
                sc.add(iri, "skos:broadMatch", ("iri", kw_iri(k)))
    return sc


def gacs():
    rel = "vocab/traject/translation_maps/marc_geographic.yaml"
    sc = Scheme(ID + "geographicAreas", "gacs", "MARC Code List for Geographic Areas",
                version([rel]), "traject translation map " + rel + " (scraped from loc.gov/marc/geoareas, discontinued codes included)",
                "code list public domain (Library of Congress); map file MIT (traject)")
    codes = {}
    for line in open(shared(rel), encoding="utf-8"):
        m = re.match(r"^'([^']+)':\s*'((?:[^']|'')*)'\s*$", line) or re.match(r'^"?([^":]+)"?:\s*"((?:[^"\\]|\\.)*)"\s*$', line)
        if m:
            codes[m.group(1).rstrip("-")] = m.group(2).replace("''", "'")
    for code, label in codes.items():
        iri = ID + "geographicAreas/" + code
        sc.add(iri, "skos:prefLabel", plain(label, "en"))
        sc.add(iri, "skos:notation", plain(code.ljust(7, "-")))
        parent = code.rsplit("-", 1)[0] if "-" in code else None
        if parent and parent in codes:
            sc.add(iri, "skos:broader", ("iri", ID + "geographicAreas/" + parent))
            sc.add(ID + "geographicAreas/" + parent, "skos:narrower", ("iri", iri))
    return sc


# ------------------------------------------------------------------------------ DCMI, rights, licences

def dcmitype():
    rel = "vocab/dcmi-repository/registry__RDF__schemas__dctype"
    sc = Scheme("http://purl.org/dc/dcmitype/", "dcmitype", "DCMI Type Vocabulary", version([rel]),
                "dcmi/repository " + rel, "CC-BY-4.0 (Dublin Core Metadata Initiative); attribution: DCMI Type Vocabulary, https://www.dublincore.org/specifications/dublin-core/dcmi-type-vocabulary/")
    subj = by_subject(read_rdfxml(shared(rel)))
    for s, props in subj.items():
        if "I:" + DCT + "DCMIType" not in props.get("I:" + RDF + "type", []):
            continue
        iri = s[2:]
        for o in props.get("I:" + RDFS + "label", []):
            sc.add(iri, "skos:prefLabel", plain(o[1].strip(), "en"))
        for o in props.get("I:" + RDFS + "comment", []):
            sc.add(iri, "skos:definition", plain(" ".join(o[1].split()), "en"))
        sc.add(iri, "skos:notation", plain(iri.rsplit("/", 1)[1]))
    return sc


def rightsstatements():
    rels = sorted(os.path.relpath(p, shared()) for p in glob.glob(shared("vocab/rightsstatements/*_en.json")))
    rels = [r for r in rels if not os.path.basename(r).startswith("collection-")]
    sc = Scheme("http://rightsstatements.org/vocab/1.0/", "rightsstatements",
                "RightsStatements.org Standardized International Rights Statements", version(rels),
                "rightsstatements/data-model *_en.json", "CC0-1.0 (RightsStatements.org)")
    for rel in rels:
        d = json.load(open(shared(rel), encoding="utf-8"))
        iri = d["@id"]
        sc.add(iri, "skos:prefLabel", plain(d["prefLabel"], "en"))
        sc.add(iri, "skos:notation", plain(iri.rstrip("/").split("/")[-2]))
        if d.get("definition"):
            sc.add(iri, "skos:definition", plain(" ".join(d["definition"].split()), "en"))
    return sc


def cc():
    rels = sorted(os.path.relpath(p, shared()) for p in glob.glob(shared("vocab/cc-licenserdf/*.rdf")))
    sc = Scheme("http://creativecommons.org/licenses/", "cc", "Creative Commons licences and public domain tools",
                version(rels), "cc-archive/cc.licenserdf cc/licenserdf/licenses/*.rdf",
                "MIT (cc.licenserdf); licence titles by Creative Commons")
    for rel in rels:
        subj = by_subject(read_rdfxml(shared(rel)))
        for s, props in subj.items():
            titles = props.get("I:" + DCE + "title")
            if not titles or not s.startswith("I:http://creativecommons.org/"):
                continue
            iri = s[2:]
            seen = set()
            for o in titles:
                lang = o[2]
                if lang and lang not in seen:
                    seen.add(lang)
                    sc.add(iri, "skos:prefLabel", plain(" ".join(o[1].split()), lang))
            parts = iri.rstrip("/").split("/")[3:]  # licenses/by-nc/4.0[/us] | publicdomain/zero/1.0
            if parts[0] == "publicdomain":
                code = {"zero": "CC0", "mark": "PDM"}[parts[1]] + "-" + parts[2]
                short = {"zero": "CC0", "mark": "Public Domain Mark"}[parts[1]] + " " + parts[2]
            else:
                code = "CC-" + parts[1].upper() + "-" + "-".join(p.upper() for p in parts[2:])
                short = "CC " + parts[1].upper() + " " + " ".join(p.upper() for p in parts[2:])
            sc.add(iri, "skos:notation", plain(code))
            sc.add(iri, "skos:altLabel", plain(short, "en"))
    return sc


# ------------------------------------------------------------------------------ LCSH, LCGFT, AAT

def annif_pairs(prefix):
    rel = "vocab/annif-rula/heading_iri_pairs.tsv"
    for line in open(shared(rel), encoding="utf-8"):
        iri, _, label = line.rstrip("\n").partition("\t")
        iri = iri.strip("<>")
        if iri.startswith(prefix) and label:
            yield iri, label


def lcsh():
    rel = "vocab/lcsh-subset/government_policy.rdf"
    rel2 = "vocab/annif-rula/heading_iri_pairs.tsv"
    sc = Scheme("http://id.loc.gov/authorities/subjects", "lcsh", "Library of Congress Subject Headings (sample)",
                version([rel, rel2]), f"{rel} (concepts with variants) + id.loc.gov subject IRIs and labels from {rel2}",
                "public domain (Library of Congress, id.loc.gov)")
    subj = by_subject(read_rdfxml(shared(rel)))
    prefix = "I:http://id.loc.gov/authorities/subjects/"
    for s, props in subj.items():
        if not s.startswith(prefix) or "I:" + SKOS + "prefLabel" not in props:
            continue
        iri = s[2:]
        for p, q in (("prefLabel", "skos:prefLabel"), ("altLabel", "skos:altLabel")):
            for o in props.get("I:" + SKOS + p, []):
                sc.add(iri, q, lit_term(o, "en"))
        for p in ("broader", "narrower", "related", "exactMatch", "closeMatch"):
            for o in props.get("I:" + SKOS + p, []):
                if o.startswith("I:"):
                    sc.add(iri, "skos:" + p, ("iri", o[2:]))
    for iri, label in annif_pairs(prefix[2:]):
        if iri not in sc.concepts:
            sc.add(iri, "skos:prefLabel", plain(label, "en"))
    return sc


def lcgft():
    rel = "vocab/annif-rula/heading_iri_pairs.tsv"
    sc = Scheme("http://id.loc.gov/authorities/genreForms", "lcgft", "Library of Congress Genre/Form Terms (sample)",
                version([rel]), f"id.loc.gov genreForms IRIs and labels from {rel}",
                "public domain (Library of Congress, id.loc.gov)")
    for iri, label in annif_pairs("http://id.loc.gov/authorities/genreForms/"):
        sc.add(iri, "skos:prefLabel", plain(label, "en"))
    return sc


def aat():
    rel = "vocab/questioning_authority/getty-aat-find-response.json"
    sc = Scheme("http://vocab.getty.edu/aat/", "aat", "Getty Art & Architecture Thesaurus (sample)", version([rel]),
                "samvera/questioning_authority " + rel,
                "ODC-By-1.0 (J. Paul Getty Trust); attribution: Art & Architecture Thesaurus (AAT), The J. Paul Getty Trust, https://www.getty.edu/research/tools/vocabularies/; fixture Apache-2.0")
    d = json.load(open(shared(rel), encoding="utf-8"))
    preds = {SKOS + "prefLabel": "skos:prefLabel", SKOS + "altLabel": "skos:altLabel",
             SKOS + "broader": "skos:broader", SKOS + "exactMatch": "skos:exactMatch"}
    concepts = {b["Subject"]["value"] for b in d["results"]["bindings"]
                if b["Predicate"]["value"] == RDF + "type" and b["Object"]["value"] == SKOS + "Concept"}
    for b in d["results"]["bindings"]:
        s, p, o = b["Subject"]["value"], b["Predicate"]["value"], b["Object"]
        if s not in concepts or p not in preds:
            continue
        if o["type"] == "uri":
            sc.add(s, preds[p], ("iri", o["value"]))
        else:
            sc.add(s, preds[p], plain(o["value"], o.get("xml:lang")))
    for iri in concepts:
        sc.add(iri, "skos:notation", plain(iri.rsplit("/", 1)[1]))
    return sc


def main(argv):
    out = "vocabularies"
    if "--out" in argv:
        i = argv.index("--out")
        out = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    names = argv or ["relators", "iso639-1", "iso639-2", "countries", "gacs", "dcmitype",
                     "rightsstatements", "cc", "lcsh", "lcgft", "aat"]
    os.makedirs(out, exist_ok=True)
    iso2 = None
    for name in names:
        if name in ("iso639-1", "iso639-2"):
            if iso2 is None:
                iso2 = iso639_2()
            sc = iso2[0] if name == "iso639-2" else iso639_1(iso2[1])
        else:
            sc = {"relators": relators, "countries": countries, "gacs": gacs, "dcmitype": dcmitype,
                  "rightsstatements": rightsstatements, "cc": cc, "lcsh": lcsh, "lcgft": lcgft,
                  "aat": aat}[name]()
        file = {"lcsh": "lcsh-sample", "lcgft": "lcgft-sample", "aat": "aat-sample"}.get(name, name)
        n = sc.write(os.path.join(out, file + ".ttl"))
        print(f"{file}.ttl\t{n} concepts")


if __name__ == "__main__":
    main(sys.argv[1:])
