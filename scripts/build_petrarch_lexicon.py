"""Build the coder's base verb lexicon from PETRARCH-2's CAMEO.2.0 verb dictionary.

    python scripts/build_petrarch_lexicon.py [../shared/data/dictionaries/petrarch/CAMEO.2.0.txt]

Writes src/dyadwatch/events/data/petrarch_verbs.tsv: one line per distinct
(verb lemma, following words, CAMEO code).  Following words are space-separated positions;
alternatives within a position are joined by '|'.  The CAMEO -> PLOVER mapping is applied
when the coder loads the file (through dyadwatch.ontology), so the file stays pure CAMEO.
Codes that PLOVER drops (CAMEO 01x statements) are left out; 02x appeals are kept because
the coder treats them as REQUEST.  The 01x patterns that name what is stated ("express
sorrow" 018, "claim responsibility" 015) go to petrarch_statements.tsv, used only under
PETRARCH conventions; bare statement verbs ("say") are reporting verbs, not events.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from dyadwatch.events.petrarch_verbs import read_verb_dictionary  # noqa: E402

DEFAULT = REPO.parent / "shared" / "data" / "dictionaries" / "petrarch" / "CAMEO.2.0.txt"
OUT = REPO / "src" / "dyadwatch" / "events" / "data" / "petrarch_verbs.tsv"
STATEMENTS = OUT.with_name("petrarch_statements.tsv")


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    dictionary = read_verb_dictionary(source)
    for problem in dictionary.problems:
        print(problem, file=sys.stderr)
    names = {alts: name for name, alts in dictionary.synsets.items() if len(alts) > 1}
    used: set[str] = set()
    names_rev = {name: alts for alts, name in names.items()}

    def position(alts: frozenset[str]) -> str:
        if alts in names:
            used.add(names[alts])
            return names[alts]
        return "|".join(sorted(alts)).replace(" ", "_")

    rows = set()
    statements = set()
    for lemma, patterns in dictionary.patterns.items():
        for pattern in patterns:
            if not pattern.cameo.isdigit() or pattern.before:
                continue  # the package lexicon matches words after the verb only
            if pattern.cameo.startswith("01"):
                if pattern.words:
                    statements.add((lemma, " ".join(position(alts) for alts in pattern.words),
                                    pattern.cameo))
                continue
            words = " ".join(position(alts) for alts in pattern.words)
            rows.add((lemma, words, pattern.cameo))
    _write(OUT, rows, used, names_rev)
    used_statements = {w for row in statements for w in row[1].split() if w.startswith("&")}
    _write(STATEMENTS, statements, used_statements, names_rev)


def _write(path: Path, rows: set[tuple[str, str, str]], used: set[str],
           names_rev: dict[str, frozenset[str]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("# Derived by scripts/build_petrarch_lexicon.py from PETRARCH-2 CAMEO.2.0.txt\n")
        out.write("# (Open Event Data Alliance, MIT licence).  lemma<TAB>following words<TAB>CAMEO\n")
        out.write("# Lines starting with '&' define synonym sets: &NAME<TAB>word|word|...\n")
        for name in sorted(used):
            words = "|".join(sorted(names_rev[name])).replace(" ", "_")
            out.write(f"{name}\t{words}\n")
        for row in sorted(rows):
            out.write("\t".join(row) + "\n")
    print(f"{len(rows)} patterns -> {path}")


if __name__ == "__main__":
    main()
