#!/usr/bin/env python3
"""Makes a bigger realistic input from the real file (bench input, not part of the tests).

Copy i (0..F-1) keeps every row, adds i*100000 to CustomerID (empty stays empty) and i*1000000
to the numeric part of InvoiceNo (keeping a leading letter such as C). Copy 0 is the real file
unchanged. Streams row by row, so memory does not grow with F.

Usage: bench/scale.py INPUT.csv[.gz] FACTOR OUT.csv
"""
import csv
import gzip
import re
import sys


INVOICE = re.compile(r"^([A-Za-z]*)(\d+)$")
CUSTOMER = re.compile(r"^\d+(\.0+)?$")


def scaled(row, i):
    """Row of copy i: i*1000000 added to the invoice number, i*100000 to the customer id."""
    if i > 0 and len(row) >= 7:
        m = INVOICE.match(row[0])
        if m:
            row[0] = m.group(1) + str(int(m.group(2)) + i * 1_000_000)
        if CUSTOMER.match(row[6]):
            row[6] = str(int(float(row[6])) + i * 100_000)
    return row


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: scale.py INPUT.csv[.gz] FACTOR OUT.csv")
    src, factor, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    opener = gzip.open if src.endswith(".gz") else open
    rows = 0
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        for i in range(factor):
            with opener(src, "rt", newline="", encoding="utf-8", errors="surrogateescape") as g:
                r = csv.reader(g)
                header = next(r)
                if i == 0:
                    w.writerow(header)
                for row in r:
                    w.writerow(scaled(row, i))
                    rows += 1
    print(f"wrote {out}: {rows} rows (x{factor})", file=sys.stderr)


if __name__ == "__main__":
    main()
