#!/usr/bin/env python3
"""Generates a large, valid-looking EAD 2002 finding aid for speed and memory measurements.

usage: gen_ead.py COMPONENTS OUT.xml

Series (c01) of 100 files (c02), each file with 4 items (c03); every component has a did
(unitid, unittitle with mixed content, unitdate with @normal, two containers, physdesc), a
scopecontent paragraph and two controlaccess terms. About 500 bytes per component.
"""
import sys

def main():
    n = int(sys.argv[1])
    out = open(sys.argv[2], "w", encoding="utf-8", buffering=1 << 20)
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n<ead xmlns="urn:isbn:1-931666-22-9" '
      'xmlns:xlink="http://www.w3.org/1999/xlink">\n<eadheader><eadid>gen-1</eadid><filedesc><titlestmt>'
      '<titleproper>Generated finding aid</titleproper></titlestmt></filedesc></eadheader>\n'
      '<archdesc level="collection"><did><unitid>GEN 1</unitid><unittitle>Generated papers</unittitle>'
      '<repository><corpname>Test Library</corpname></repository></did>\n<dsc>\n')
    made = 0

    def comp(tag, level, i, close=True):
        nonlocal made
        made += 1
        y = 1800 + made % 200
        w(f'<{tag} level="{level}" id="c{made}"><did><unitid>{i}</unitid>'
          f'<unittitle>Letters of <persname>Person {made % 977}</persname> to family, {y}</unittitle>'
          f'<unitdate normal="{y}/{y + 1}" type="inclusive">{y}-{y + 1}</unitdate>'
          f'<container type="box">{made // 40 + 1}</container><container type="folder">{made % 40 + 1}</container>'
          f'<physdesc><extent>{made % 9 + 1} items</extent></physdesc></did>\n'
          f'<scopecontent><p>Correspondence about   farming, weather and\n family matters.</p></scopecontent>'
          f'<controlaccess><subject source="lcsh">Farm life</subject><persname source="lcnaf">Person {made % 977}</persname></controlaccess>\n')
        if close:
            w(f'</{tag}>\n')

    s = 0
    while made < n:
        s += 1
        comp("c01", "series", s, close=False)
        for f in range(1, 101):
            if made >= n:
                break
            comp("c02", "file", f, close=False)
            for it in range(1, 5):
                if made >= n:
                    break
                comp("c03", "item", it)
            w("</c02>\n")
        w("</c01>\n")
    w("</dsc></archdesc>\n</ead>\n")
    out.close()
    print(f"{made} components", file=sys.stderr)

if __name__ == "__main__":
    main()
