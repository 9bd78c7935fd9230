"""Plant known duplicates in a real BibTeX file, for testing and benchmarking `kbase refs dedupe`.

Each planted duplicate copies an entry under a new key and changes it in one of five ways:
the title's case, its punctuation, the DOI written with a resolver prefix in upper case, the
first author's initials swapped, or one typo (two adjacent letters swapped) in the title. Except
for the DOI variant, the copy drops its DOI and PMID, so only the fuzzy title match can find it.
"""

from __future__ import annotations

import copy
import random
import re

VARIANTS = ("case", "punctuation", "doi-prefix", "initials", "typo")


def _swap_initials(author: str) -> str:
    first, _, rest = author.partition(" and ")
    if "," in first:
        surname, given = (p.strip() for p in first.split(",", 1))
        initials = [w[0] + "." for w in re.findall(r"[A-Za-z]+", given)]
        given = " ".join(reversed(initials)) if len(initials) > 1 else (initials[0] if initials else given)
        first = f"{surname}, {given}"
    else:
        words = first.split()
        if len(words) > 2:
            first = " ".join([words[1], words[0], *words[2:]])
        elif len(words) == 2:
            first = f"{words[0][0]}. {words[1]}"
    return first + (" and " + rest if rest else "")


def _typo(title: str, rng: random.Random) -> str:
    positions = [i for i in range(1, len(title) - 2) if title[i].isalpha() and title[i + 1].isalpha() and title[i] != title[i + 1]]
    if not positions:
        return title + "s"
    i = rng.choice(positions)
    return title[:i] + title[i + 1] + title[i] + title[i + 2 :]


def plant(text: str, count: int, seed: int = 3) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with ``count`` planted duplicates appended, and the (original, copy) key pairs."""
    import bibtexparser

    library = bibtexparser.parse_string(text, parse_stack=[])
    rng = random.Random(seed)

    def value(entry, name):  # noqa: ANN001, ANN202
        field = entry.fields_dict.get(name)
        return str(field.value).strip("{}\"") if field else ""

    eligible = [e for e in library.entries if len(value(e, "title")) >= 25 and value(e, "year") and value(e, "author")]
    chosen = rng.sample(eligible, count)
    pairs, copies = [], []
    for n, entry in enumerate(chosen):
        variant = VARIANTS[n % len(VARIANTS)]
        if variant == "doi-prefix" and not value(entry, "doi"):
            variant = "case"
        twin = copy.deepcopy(entry)
        twin.key = f"{entry.key}_dup{n}"
        title = value(entry, "title")
        if variant == "case":
            title = title.upper() if n % 2 else title.lower()
        elif variant == "punctuation":
            title = re.sub(r"[:;,.?!-]", " ", title) + "."
        elif variant == "typo":
            title = _typo(title, rng)
        elif variant == "initials":
            twin.set_field(bibtexparser.model.Field("author", "{" + _swap_initials(value(entry, "author")) + "}"))
        if variant == "doi-prefix":
            twin.set_field(bibtexparser.model.Field("doi", "{https://doi.org/" + value(entry, "doi").upper() + "}"))
        else:
            twin.pop("doi")
            twin.pop("pmid")
        twin.set_field(bibtexparser.model.Field("title", "{" + title + "}"))
        copies.append(twin)
        pairs.append((entry.key, twin.key))
    extra = bibtexparser.Library(copies)
    return text.rstrip("\n") + "\n\n" + bibtexparser.write_string(extra, unparse_stack=[]), pairs
