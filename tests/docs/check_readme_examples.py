#!/usr/bin/env python3
"""The README's embedding snippets are the examples' code: for every example source with a
"readme-begin" / "readme-end" region, that region (dedented) must appear in README.md verbatim.
The examples themselves are compiled and tested in CI, so the README shows code that works.
Usage: check_readme_examples.py SOURCE_DIR"""
import pathlib
import sys
import textwrap

root = pathlib.Path(sys.argv[1])
readme = (root / "README.md").read_text(encoding="utf-8")
checked = 0
for source in sorted((root / "examples").rglob("*")):
    if source.suffix not in (".cpp", ".qml"):
        continue
    lines = source.read_text(encoding="utf-8").split("\n")
    begins = [i for i, line in enumerate(lines) if "readme-begin" in line]
    ends = [i for i, line in enumerate(lines) if "readme-end" in line]
    if not begins:
        continue
    if len(begins) != 1 or len(ends) != 1 or ends[0] <= begins[0]:
        sys.exit("%s: needs exactly one readme-begin before one readme-end" % source)
    region = textwrap.dedent("\n".join(lines[begins[0] + 1:ends[0]]))
    if "\n" + region + "\n```" not in readme:
        sys.exit("README.md does not show %s's readme region as it is:\n%s" % (source, region))
    checked += 1
if checked < 2:
    sys.exit("expected the Widgets and the QML example to have readme regions, found %d" % checked)
print("README shows the code of %d examples" % checked)
