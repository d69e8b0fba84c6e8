"""How pandas reads small CSV/TSV files with quotes and inconsistent rows (test/fixtures/csv_reading.json).

Run with pandas 3.1.1:
    python3 -m venv /tmp/pd && /tmp/pd/bin/pip install pandas==3.1.1
    /tmp/pd/bin/python scripts/goldens/csv_reading.py > test/fixtures/csv_reading.json
Each case stores the file text, the delimiter, and pandas' records with every field read as text
(`dtype=str, keep_default_na=False`) under the default on_bad_lines='error' ("records" or "error") and
under on_bad_lines='skip' ("records_skip"). Python's csv module is recorded beside it ("csv_module").
"""
import csv
import io
import json

import pandas as pd

CASES = [
    # Issue 13, case 2: a literal quote inside an unquoted field, TSV and CSV.
    ("tsv_quote_inside_field", "\t", 'label\ttitle\nmovies\tThe "Best" Movie Of 2018\nsports\tWin\n'),
    ("csv_quote_inside_field", ",", 'label,title\ntech,A 5" screen phone\nsports,Win\n'),
    # Variants: quoted fields with the delimiter, doubled quotes, a line break, CRLF, a tab inside a TSV field.
    ("csv_quoted_delimiter", ",", 'label,title\nsports,"Win, at last"\npolitics,"He said ""no"""\n'),
    ("csv_quoted_line_break_crlf", ",", 'label,title\r\nsports,"two\r\nlines"\r\npolitics,Vote\r\n'),
    ("tsv_quoted_tab", "\t", 'label\ttitle\nmovies\t"a\ttab"\nsports\t5" and 6" phones\n'),
    ("csv_empty_fields", ",", "label,title,description\nsports,Win,\npolitics,,Vote\n"),
    # Issue 13, case 1: more fields than the header (an unquoted comma), and fewer.
    ("csv_more_fields", ",", "label,title\nsports,Win, at last\npolitics,Vote today\n"),
    ("csv_fewer_fields", ",", "label,title,description\nsports,Win\npolitics,Vote,today\n"),
    # A quoted field followed by more text: pandas drops the quotes, we keep them (documented difference).
    ("tsv_quote_then_text", "\t", 'label\ttitle\nmovies\t"Best" Movie\nsports\tWin\n'),
]


def read(text, sep, on_bad_lines):
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, on_bad_lines=on_bad_lines)
        return {"records": df.to_dict("records")}
    except Exception as e:  # noqa: BLE001 - the message is the golden
        return {"error": f"{type(e).__name__}: {e}".strip()}


out = {"pandas": pd.__version__, "cases": []}
for name, sep, text in CASES:
    case = {"name": name, "delimiter": sep, "text": text}
    default = read(text, sep, "error")
    case.update(default)
    case["records_skip"] = read(text, sep, "skip").get("records")
    case["csv_module"] = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    out["cases"].append(case)
print(json.dumps(out, indent=1, ensure_ascii=False))
