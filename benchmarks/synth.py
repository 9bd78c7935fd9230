"""Generate a synthetic kbase library of any size, shaped like real ones.

References look like PubMed/Zotero exports without abstracts (authors, title, journal, year,
volume, number, pages, DOI, PMID, ISSN, keywords, design: about 550 bytes each, near the
450-600 bytes per entry of the real-world files in ../shared/corpus/bib). Claims have a
statement, a topic, an appearance in an article and their evidence links; a few claims rest on
premises and a few references report others.

    python benchmarks/synth.py OUT_DIR --refs 100000 --claims 20000 --links 100000
"""

from __future__ import annotations

import argparse
import random
import subprocess
import time
from pathlib import Path

DESIGNS = [
    "meta-analysis",
    "systematic-review",
    "rct",
    "guideline",
    "cohort",
    "case-control",
    "cross-sectional",
    "narrative-review",
    "case-series",
    "case-report",
    "website",
    "news",
]
WORDS = (
    "pain ketamine opioid infusion randomized trial chronic neuropathic analgesia dose safety "
    "outcome cohort patients adults efficacy review receptor inflammation placebo relief therapy "
    "depression adverse effects guideline evidence clinical postoperative spinal migraine"
).split()
SURNAMES = "Smith Jones Chen Wang Garcia Müller Rossi Dubois Kowalski Nakamura Okafor Silva Cohen Patel".split()
STANCES = ["supports"] * 8 + ["contradicts", "mentions"]


def write_library(out: Path, refs: int, claims: int, links: int, seed: int = 1) -> tuple[Path, Path]:
    """Write ``claims.yaml`` and ``references.bib`` into ``out``; returns their paths."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    bib_path, claims_path = out / "references.bib", out / "claims.yaml"
    with bib_path.open("w", encoding="utf-8") as bib:
        for i in range(refs):
            authors = " and ".join(f"{rng.choice(SURNAMES)}, {chr(65 + rng.randrange(26))}." for _ in range(rng.randint(2, 6)))
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize()
            extra = f"  reports = {{ref{rng.randrange(refs)}}},\n" if rng.random() < 0.05 else ""
            bib.write(
                f"@article{{ref{i},\n"
                f"  author = {{{authors}}},\n"
                f"  title = {{{title}}},\n"
                f"  journal = {{Journal of {rng.choice(WORDS).capitalize()} Research}},\n"
                f"  year = {{{rng.randint(1995, 2025)}}},\n"
                f"  volume = {{{rng.randint(1, 200)}}},\n"
                f"  number = {{{rng.randint(1, 12)}}},\n"
                f"  pages = {{{(p := rng.randint(1, 900))}--{p + rng.randint(3, 20)}}},\n"
                f"  doi = {{10.{rng.randint(1000, 9999)}/synth.{i}}},\n"
                f"  pmid = {{{30000000 + i}}},\n"
                f"  issn = {{{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}}},\n"
                f"  keywords = {{{', '.join(rng.sample(WORDS, 4))}}},\n"
                f"  design = {{{rng.choice(DESIGNS)}}},\n"
                f"{extra}"
                f"}}\n\n"
            )
    per_claim, remainder = divmod(links, claims) if claims else (0, 0)
    with claims_path.open("w", encoding="utf-8") as yml:
        yml.write("kbase: 1\narticles:\n")
        for a in range(20):
            yml.write(f"  article-{a}:\n    title: Synthetic article {a}\n")
        yml.write("claims:\n")
        for c in range(claims):
            statement = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 14))).capitalize() + "."
            yml.write(f"  - id: claim-{c}\n    statement: {statement}\n    topic: {rng.choice(WORDS)}\n")
            yml.write(f"    appears_in:\n      - article: article-{rng.randrange(20)}\n        section: Section {rng.randrange(12)}\n")
            n = per_claim + (1 if c < remainder else 0)
            if n:
                yml.write("    evidence:\n")
                for ref in rng.sample(range(refs), n):
                    yml.write(f"      - ref: ref{ref}\n        stance: {rng.choice(STANCES)}\n")
                    if rng.random() < 0.2:
                        yml.write("        concerns: [risk-of-bias]\n")
                    if rng.random() < 0.1:
                        yml.write("        indirect: true\n")
            if c > 0 and rng.random() < 0.05:
                yml.write(f"    depends_on: [claim-{rng.randrange(c)}]\n")
    return claims_path, bib_path


def wall_seconds(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """The wall time of ``command`` as a whole process (interpreter start included); a run that
    fails (an exit code other than 0 or 1, kbase's "findings") stops the benchmark with its error."""
    # as installed: pip compiles each module's bytecode once, at install; with bytecode turned off (as some
    # sandboxes do) every run would compile kbase's source again, about 50 ms that no user pays
    env = {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)[:200]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def library_arguments(parser: argparse.ArgumentParser, refs: int = 20_000, claims: int = 4_000, links: int = 20_000, repeat: int = 5) -> None:
    """The options every benchmark of a synthetic library takes: its size and how many rounds."""
    parser.add_argument("--refs", type=int, default=refs)
    parser.add_argument("--claims", type=int, default=claims)
    parser.add_argument("--links", type=int, default=links)
    parser.add_argument("--repeat", type=int, default=repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--refs", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    claims, bib = write_library(args.out, args.refs, args.claims, args.links, args.seed)
    print(f"wrote {claims} ({claims.stat().st_size:,} bytes) and {bib} ({bib.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
