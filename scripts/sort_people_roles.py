"""Put each person's roles in people.yaml in start-date order, keeping comments.

Editing aid (tests/test_people_data.py requires the order). Works on the text, not on
parsed YAML, so comments and layout survive: every role is one flow-mapping line
starting with "    - {code:" and carrying its own optional trailing comment.

    .venv/bin/python scripts/sort_people_roles.py
"""

from __future__ import annotations

import re
from pathlib import Path

PEOPLE = (
    Path(__file__).resolve().parents[1] / "src" / "dyadwatch" / "actors" / "data" / "people.yaml"
)
ROLE_PREFIX = "    - {code:"
START = re.compile(r"start: (\S+?),")


def sort_roles(text: str) -> str:
    out: list[str] = []
    block: list[str] = []
    for line in [*text.split("\n"), None]:
        if line is not None and line.startswith(ROLE_PREFIX):
            block.append(line)
            continue
        out.extend(sorted(block, key=lambda role: START.search(role).group(1)))
        block = []
        if line is not None:
            out.append(line)
    return "\n".join(out)


def main() -> None:
    text = PEOPLE.read_text(encoding="utf-8")
    result = sort_roles(text)
    if result != text:
        PEOPLE.write_text(result, encoding="utf-8")
        print(f"{PEOPLE}: roles reordered")
    else:
        print(f"{PEOPLE}: already in order")


if __name__ == "__main__":
    main()
