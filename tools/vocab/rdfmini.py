"""Small, stdlib-only readers and a SKOS Turtle writer for the vocabulary generators.

Readers: N-Triples, a Turtle subset (prefixes, @base, ';' ',' lists, blank node property
lists, long and short strings, language tags, datatypes), flat RDF/XML (rdf:Description or
typed nodes, rdf:resource / rdf:nodeID / literals, nested nodes), and EDN (the Clojure
renderings of id.loc.gov files). Triples are tuples (s, p, o) where IRIs are 'I:<iri>', blank
nodes 'B:<id>' and literals ('L', value, lang, datatype).

The writer emits one SKOS Turtle document with concepts sorted by IRI and values sorted, so
that a rerun over the same input writes the same bytes.
"""

import hashlib
import os
import re
import xml.etree.ElementTree as ET

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
MADS = "http://www.loc.gov/mads/rdf/v1#"
DCT = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"


def shared(*parts):
    base = os.environ.get("CROSSWALK_SHARED")
    if not base:
        raise SystemExit("set CROSSWALK_SHARED to the shared data folder (e.g. /work/shared)")
    return os.path.join(base, *parts)


def sha256_of(paths):
    h = hashlib.sha256()
    for p in sorted(paths):
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


# ---------------------------------------------------------------- N-Triples

_NT = re.compile(r'\s*(<[^>]*>|_:\S+)\s+(<[^>]*>)\s+(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)\s*\.\s*$')


def _unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "u":
                out.append(chr(int(s[i + 2:i + 6], 16))); i += 6; continue
            if n == "U":
                out.append(chr(int(s[i + 2:i + 10], 16))); i += 10; continue
            out.append({"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}.get(n, n)); i += 2; continue
        out.append(c); i += 1
    return "".join(out)


def _nt_term(t):
    if t.startswith("<"):
        return "I:" + t[1:-1]
    if t.startswith("_:"):
        return "B:" + t[2:]
    m = re.match(r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$', t)
    return ("L", _unescape(m.group(1)), (m.group(2) or "").lower() or None, m.group(3))


def read_ntriples(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = _NT.match(line)
            if not m:
                raise ValueError(f"{path}: not N-Triples: {line[:80]}")
            yield (_nt_term(m.group(1)), _nt_term(m.group(2)), _nt_term(m.group(3)))


# ---------------------------------------------------------------- Turtle (subset)

_TOK = re.compile(r'''
    (?P<ws>\s+|\#[^\n]*) |
    (?P<iri><[^>]*>) |
    (?P<long>"""(?:[^"\\]|\\.|"(?!""))*""") |
    (?P<str>"(?:[^"\\\n]|\\.)*") |
    (?P<lang>@[A-Za-z][A-Za-z0-9-]*) |
    (?P<dt>\^\^) |
    (?P<bnode>_:[A-Za-z0-9_.-]*[A-Za-z0-9_-]) |
    (?P<num>[+-]?[0-9]+(?:\.[0-9]+)?) |
    (?P<pname>[A-Za-z][A-Za-z0-9_-]*:(?:[A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_-]|[A-Za-z0-9_])?|:[A-Za-z0-9_-]*) |
    (?P<kw>a\b|true\b|false\b) |
    (?P<punct>[.;,\[\]()])
''', re.X)


def read_turtle(path):
    text = open(path, encoding="utf-8").read()
    toks = []
    pos = 0
    while pos < len(text):
        m = _TOK.match(text, pos)
        if not m:
            raise ValueError(f"{path}: cannot tokenise at {text[pos:pos + 40]!r}")
        pos = m.end()
        if m.lastgroup != "ws":
            toks.append((m.lastgroup, m.group()))
    prefixes, base = {}, ""
    triples, counter = [], [0]
    i = 0

    def iri(t):
        kind, v = t
        if kind == "iri":
            v = _unescape(v[1:-1])
            if base and not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", v):
                v = base + v
            return "I:" + v
        if kind == "pname":
            p, _, local = v.partition(":")
            return "I:" + prefixes[p] + local
        if kind == "kw" and v == "a":
            return "I:" + RDF + "type"
        raise ValueError(f"{path}: expected an IRI, got {v}")

    def obj():
        nonlocal i
        kind, v = toks[i]
        if kind in ("str", "long"):
            s = _unescape(v[3:-3] if kind == "long" else v[1:-1])
            i += 1
            lang = dt = None
            if i < len(toks) and toks[i][0] == "lang":
                lang = toks[i][1][1:].lower(); i += 1
            elif i < len(toks) and toks[i][0] == "dt":
                dt = iri(toks[i + 1])[2:]; i += 2
            return ("L", s, lang, dt)
        if kind == "num":
            i += 1
            return ("L", v, None, "http://www.w3.org/2001/XMLSchema#integer")
        if kind == "bnode":
            i += 1
            return "B:" + v[2:]
        if v == "[":
            i += 1
            counter[0] += 1
            node = f"B:anon{counter[0]}"
            if toks[i][1] != "]":
                pol(node)
            i += 1  # ]
            return node
        if v == "(":
            raise ValueError(f"{path}: RDF collections are not supported here")
        i += 1
        return iri((kind, v))

    def pol(subject):
        nonlocal i
        while True:
            pred = iri(toks[i]); i += 1
            while True:
                triples.append((subject, pred, obj()))
                if toks[i][1] == ",":
                    i += 1; continue
                break
            if toks[i][1] == ";":
                while toks[i][1] == ";":
                    i += 1
                if toks[i][1] in (".", "]"):
                    return
                continue
            return

    while i < len(toks):
        kind, v = toks[i]
        if kind == "lang" and v in ("@prefix", "@base"):
            if v == "@prefix":
                prefixes[toks[i + 1][1][:-1]] = toks[i + 2][1][1:-1]; i += 4
            else:
                base = toks[i + 1][1][1:-1]; i += 3
            continue
        if kind == "pname" and v.upper() in ("PREFIX:",):
            raise ValueError("SPARQL-style PREFIX is not supported")
        subj = obj()
        if toks[i][1] != ".":
            pol(subj)
        i += 1  # .
    return triples


# ---------------------------------------------------------------- RDF/XML (flat subset)

_XMLLANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _qname(tag):
    ns, _, local = tag[1:].partition("}")
    return ns + local


def read_rdfxml(path):
    tree = ET.parse(path)
    root = tree.getroot()
    triples, counter = [], [0]

    def node(el, lang):
        about = el.get(RDF_("about"))
        nid = el.get(RDF_("nodeID"))
        if about is not None:
            s = "I:" + about
        elif nid is not None:
            s = "B:" + nid
        else:
            counter[0] += 1
            s = f"B:n{counter[0]}"
        if _qname(el.tag) != RDF + "Description":
            triples.append((s, "I:" + RDF + "type", "I:" + _qname(el.tag)))
        lang = el.get(_XMLLANG, lang)
        for prop in el:
            p = "I:" + _qname(prop.tag)
            plang = prop.get(_XMLLANG, lang)
            if prop.get(RDF_("resource")) is not None:
                triples.append((s, p, "I:" + prop.get(RDF_("resource"))))
            elif prop.get(RDF_("nodeID")) is not None:
                triples.append((s, p, "B:" + prop.get(RDF_("nodeID"))))
            elif len(prop):
                if prop.get(RDF_("parseType")) == "Collection":
                    continue
                for child in prop:
                    triples.append((s, p, node(child, plang)))
            else:
                dt = prop.get(RDF_("datatype"))
                triples.append((s, p, ("L", prop.text or "", None if dt else (plang or "").lower() or None, dt)))
        return s

    for el in root:
        node(el, None)
    return triples


def RDF_(local):
    return "{" + RDF + "}" + local


# ---------------------------------------------------------------- EDN (Clojure data)

class Keyword(str):
    pass


class Tagged:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


_EDN = re.compile(r'''(?P<ws>[\s,]+|;[^\n]*)|(?P<str>"(?:[^"\\]|\\.)*")|(?P<open>[\[{(])|(?P<close>[\]})])|(?P<tag>\#[A-Za-z][^\s\[\]{}()"]*)|(?P<set>\#\{)|(?P<atom>[^\s,\[\]{}()"]+)''')


def read_edn_forms(path):
    """Top-level forms of an EDN/Clojure file: lists, vectors, maps, strings, keywords, symbols."""
    text = open(path, encoding="utf-8").read()
    stack = [[]]
    kinds = []
    pending_tag = []
    for m in _EDN.finditer(text):
        k = m.lastgroup
        v = m.group()
        if k == "ws":
            continue
        if k in ("open", "set"):
            stack.append([])
            kinds.append(v)
            continue
        if k == "tag":
            pending_tag.append((len(stack), v[1:]))
            continue
        if k == "close":
            items = stack.pop()
            kind = kinds.pop()
            if kind == "{":
                val = dict(zip(items[0::2], items[1::2]))
            elif kind == "[":
                val = items
            else:
                val = tuple(items)
        elif k == "str":
            val = _unescape(v[1:-1])
        elif v.startswith(":"):
            val = Keyword(v[1:])
        elif v == "nil":
            val = None
        else:
            val = v
        if pending_tag and pending_tag[-1][0] == len(stack):
            val = Tagged(pending_tag.pop()[1], val)
        stack[-1].append(val)
    return stack[0]


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


# ---------------------------------------------------------------- SKOS Turtle writer

PREFIXES = [
    ("dcterms", DCT),
    ("owl", OWL),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("skos", SKOS),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
]


def lit(value, lang=None, datatype=None):
    s = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
         .replace("\r", "\\r").replace("\t", "\\t"))
    out = f'"{s}"'
    if lang:
        out += "@" + lang
    elif datatype:
        out += f"^^<{datatype}>"
    return out


def term(t):
    """A term for the writer: ('iri', x) | ('lit', value, lang) | ('typed', value, datatype)."""
    if t[0] == "iri":
        for p, ns in PREFIXES:
            if t[1].startswith(ns) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", t[1][len(ns):]):
                return f"{p}:{t[1][len(ns):]}"
        return f"<{t[1]}>"
    if t[0] == "lit":
        return lit(t[1], t[2])
    if t[2] == "http://www.w3.org/2001/XMLSchema#string":
        return lit(t[1])
    return lit(t[1], None, t[2])


class Scheme:
    """A SKOS concept scheme being built: concepts keyed by IRI, each a dict predicate → set of terms."""

    def __init__(self, iri, short_name, title, version, source, licence):
        self.iri, self.short, self.title = iri, short_name, title
        self.version, self.source, self.licence = version, source, licence
        self.concepts = {}

    def add(self, concept, pred, value):
        c = self.concepts.setdefault(concept, {})
        c.setdefault(pred, set()).add(value)

    def write(self, path):
        lines = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES]
        lines.append("")
        lines.append(f"# Generated by tools/vocab/generate.py from {self.source}; do not edit by hand.")
        lines.append(f"# Licence: {self.licence}")
        lines.append("")
        lines.append(f"<{self.iri}> a skos:ConceptScheme ;")
        lines.append(f"  dcterms:identifier {lit(self.short)} ;")
        lines.append(f"  dcterms:title {lit(self.title, 'en')} ;")
        lines.append(f"  dcterms:source {lit(self.source)} ;")
        lines.append(f"  dcterms:license {lit(self.licence)} ;")
        lines.append(f"  owl:versionInfo {lit(self.version)} .")
        for iri in sorted(self.concepts):
            props = self.concepts[iri]
            lines.append("")
            parts = ["a skos:Concept", f"skos:inScheme <{self.iri}>"]
            for pred in sorted(props):
                vals = sorted(term(v) for v in props[pred])
                parts.append(f"{pred} " + ",\n    ".join(vals))
            lines.append(f"<{iri}> " + " ;\n  ".join(parts) + " .")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")
        return len(self.concepts)
