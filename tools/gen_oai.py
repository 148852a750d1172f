#!/usr/bin/env python3
"""Writes a synthetic OAI-PMH ListRecords response with N oai_dc records (deterministic).

Usage: gen_oai.py N OUT.xml

Every 50th record is deleted (header only); the others carry 10-14 DC values, some with xml:lang
and xsi:type, so the file exercises the same paths as real harvests. Streams: memory is flat.
"""
import sys

def main():
    n = int(sys.argv[1])
    out = open(sys.argv[2], "w", encoding="utf-8", buffering=1 << 20)
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n'
      '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
      '<responseDate>2024-05-01T10:00:00Z</responseDate>\n'
      '<request verb="ListRecords" metadataPrefix="oai_dc">http://example.org/oai</request>\n'
      '<ListRecords>\n')
    for i in range(n):
        ident = f"oai:example.org:{i}"
        if i % 50 == 49:
            w(f'<record><header status="deleted"><identifier>{ident}</identifier>'
              f'<datestamp>2024-04-{i % 28 + 1:02d}</datestamp><setSpec>set{i % 7}</setSpec>'
              '</header></record>\n')
            continue
        subjects = "".join(
            f'<dc:subject xsi:type="dcterms:LCSH">Subject {i % 97} -- part {k}</dc:subject>'
            for k in range(i % 3 + 1))
        w(f'<record><header><identifier>{ident}</identifier>'
          f'<datestamp>2024-04-{i % 28 + 1:02d}</datestamp><setSpec>set{i % 7}</setSpec></header>'
          '<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
          f'<dc:title xml:lang="en">Record number {i}: a view of the harbour &amp; the town</dc:title>'
          f'<dc:creator>Photographer {i % 1000}, Jane</dc:creator>'
          f'{subjects}'
          f'<dc:description>Photograph of the harbour, taken in the summer of {1900 + i % 100}. '
          'Glass plate negative, digitised in 2019.</dc:description>'
          '<dc:publisher>Example Historical Society</dc:publisher>'
          f'<dc:date xsi:type="dcterms:W3CDTF">{1900 + i % 100}-0{i % 9 + 1}</dc:date>'
          '<dc:type>Image</dc:type><dc:format>image/jpeg</dc:format>'
          f'<dc:identifier>http://example.org/item/{i}</dc:identifier>'
          '<dc:language>eng</dc:language>'
          '<dc:rights>http://rightsstatements.org/vocab/NoC-US/1.0/</dc:rights>'
          '</oai_dc:dc></metadata></record>\n')
    w('<resumptionToken completeListSize="%d" cursor="0"></resumptionToken>\n' % n)
    w('</ListRecords>\n</OAI-PMH>\n')
    out.close()

if __name__ == "__main__":
    main()
