#!/usr/bin/env python3
"""One new day for a nightly benchmark on scaled history (bench input, not part of the tests).

Takes the real file's lines of DAY, moves them to NEW_DAY (same times), gives them invoice
numbers the history does not have (+10000 on the numeric part: the real file's invoices end at
581587), and scales them as bench/scale.py does (copy i: customer + i*100000, invoice +
i*1000000), so the day's customers are the scaled history's customers buying again.
The real file's 2011-12-09 (1,632 lines) x200 is 326,400 lines.

Usage: bench/day.py INPUT.csv[.gz] DAY NEW_DAY FACTOR OUT.csv
"""
import csv
import gzip
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scale import INVOICE, scaled  # noqa: E402


def main():
    if len(sys.argv) != 6:
        sys.exit("usage: day.py INPUT.csv[.gz] DAY NEW_DAY FACTOR OUT.csv")
    src, day, new_day, factor, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    opener = gzip.open if src.endswith(".gz") else open
    with opener(src, "rt", newline="", encoding="utf-8", errors="surrogateescape") as g:
        r = csv.reader(g)
        header = next(r)
        lines = [row for row in r if len(row) >= 7 and row[4].startswith(day)]
    rows = 0
    with open(out, "w", newline="", encoding="utf-8", errors="surrogateescape") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for i in range(factor):
            for line in lines:
                row = list(line)
                row[4] = new_day + row[4][len(day):]
                m = INVOICE.match(row[0])
                if m:
                    row[0] = m.group(1) + str(int(m.group(2)) + 10_000)
                w.writerow(scaled(row, i))
                rows += 1
    print(f"wrote {out}: {rows} rows ({day} as {new_day}, x{factor})", file=sys.stderr)


if __name__ == "__main__":
    main()
