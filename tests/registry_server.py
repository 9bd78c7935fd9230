"""A loopback HTTP server that speaks Crossref's REST API and PubMed's E-utilities, for the tests of
``kbase refs verify`` and ``kbase refs add``: no test reaches outside the machine.

What it answers, in each registry's documented JSON shape (Crossref: ``{"status": "ok",
"message-type": "work", "message": {...}}`` for ``/works/{doi}``, ``Resource not found.`` with 404 for
an unknown DOI, ``{"message": {"DOI": ..., "agency": {"id": ..., "label": ...}}}`` for
``/works/{doi}/agency``; PubMed: ``esummary.fcgi?db=pubmed&retmode=json`` with ``{"result": {"uids":
[...], "<pmid>": {...}}}``, an unknown id as ``{"uid": ..., "error": "cannot get document summary"}``):

* the bundled library's references, built from their entries in ``references.bib`` (whose DOIs,
  PMIDs and years ``../shared/tools/check-seed-facts`` checks against the verified seed facts);
  nothing about them is added that the entries do not say;
* synthetic works under ``10.5555/`` — the DOI prefix Crossref reserves for examples and tests — for
  what the bundled library has none of: a retraction (with the update notice Crossref carries from
  Retraction Watch), an expression of concern, a record with different print and online years, a
  DOI registered with DataCite; their titles say they are test records;
* faults: ``10.5555/kbase-test.busy`` answers 429 with ``Retry-After: 1`` once, then its record;
  ``10.5555/kbase-test.always-busy`` always 429; ``10.5555/kbase-test.slow`` answers after 3 seconds.

Nothing here is a recording of a real registry answer (none can be fetched here); the shapes follow the
registries' documentation.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from kbase.bibtex import latex_to_text, split_names, surname
from kbase.refs import RefLibrary

ROOT = Path(__file__).resolve().parent.parent
TEST = "10.5555/kbase-test."  # Crossref's example prefix, and a suffix that names these as kbase's test records


def _names(author_field: str) -> list[tuple[str, str]]:
    out = []
    for name in split_names(author_field):
        family = surname(name)
        given = name.split(",", 1)[1].strip() if "," in name else " ".join(name.split()[:-1])
        out.append((latex_to_text(family), latex_to_text(given) if not name.startswith("{") else ""))
    return out


def bundled_records() -> tuple[dict[str, dict], dict[str, dict]]:
    """Crossref messages by DOI and PubMed summaries by PMID, made from the bundled references.bib."""
    crossref, pubmed = {}, {}
    for ref in RefLibrary([ROOT / "references.bib"]).references:
        authors = _names(ref.field("author"))
        year = [[ref.year]] if ref.year else None
        doi = ref.doi.lower()
        if doi:
            message = {
                "DOI": ref.doi,
                "type": "journal-article" if ref.entry_type == "article" else "other",
                "title": [latex_to_text(ref.field("title"))],
                "author": [
                    {"family": f, "given": g, "sequence": "first" if i == 0 else "additional"}
                    if g
                    else {"name": f, "sequence": "first" if i == 0 else "additional"}
                    for i, (f, g) in enumerate(authors)
                ],
                "container-title": [latex_to_text(ref.field("journal"))] if ref.field("journal") else [],
            }
            if year:
                message["published-print"] = {"date-parts": year}
                message["issued"] = {"date-parts": year}
            for bib, key in (("volume", "volume"), ("number", "issue")):
                if ref.field(bib):
                    message[key] = ref.field(bib)
            if ref.field("pages"):
                message["page"] = ref.field("pages").replace("--", "-")
            crossref[doi] = message
        if ref.pmid:
            initials = lambda given: "".join(w[0] for w in given.replace("-", " ").split() if w[0].isalpha())  # noqa: E731
            pubmed[ref.pmid] = {
                "uid": ref.pmid,
                "title": latex_to_text(ref.field("title")) + ".",
                "authors": [{"name": f"{f} {initials(g)}".strip(), "authtype": "Author" if g else "CollectiveName"} for f, g in authors],
                "source": latex_to_text(ref.field("journal")),
                "fulljournalname": latex_to_text(ref.field("journal")),
                "pubdate": str(ref.year or ""),
                "volume": ref.field("volume"),
                "issue": ref.field("number"),
                "pages": ref.field("pages").replace("--", "-"),
                "pubtype": ["Journal Article"],
                "articleids": [{"idtype": "pubmed", "value": ref.pmid}] + ([{"idtype": "doi", "value": ref.doi}] if ref.doi else []),
                "references": [],
            }
    return crossref, pubmed


def _test_work(suffix: str, title: str, family: str, year: int, **more: object) -> dict:
    return {
        "DOI": TEST + suffix,
        "type": "journal-article",
        "title": [title],
        "author": [{"family": family, "given": "Test", "sequence": "first"}],
        "container-title": ["Journal of Test Records"],
        "published-print": {"date-parts": [[year]]},
        "issued": {"date-parts": [[year]]},
        "volume": "1",
        "page": "1-10",
        **more,
    }


def synthetic_records() -> dict[str, dict]:
    """The synthetic works (``10.5555/kbase-test.*``), by DOI."""
    works = [
        _test_work(
            "retracted",
            "A synthetic test record of a retracted trial",
            "Testauthor",
            2015,
            **{
                "updated-by": [
                    {
                        "DOI": TEST + "retraction-notice",
                        "type": "retraction",
                        "source": "retraction-watch",
                        "label": "Retraction",
                        "updated": {"date-parts": [[2021, 3, 4]]},
                    }
                ]
            },
        ),
        _test_work(
            "concern",
            "A synthetic test record under an expression of concern",
            "Testauthor",
            2016,
            **{
                "updated-by": [
                    {
                        "DOI": TEST + "concern-notice",
                        "type": "expression_of_concern",
                        "source": "publisher",
                        "label": "Expression of Concern",
                        "updated": {"date-parts": [[2022, 1, 5]]},
                    }
                ]
            },
        ),
        _test_work(
            "online",
            "A synthetic test record published online a year before print",
            "Testauthor",
            2020,
            **{"published-online": {"date-parts": [[2019, 11, 2]]}},
        ),
        _test_work("busy", "A synthetic test record behind a busy server", "Testauthor", 2018),
        _test_work("slow", "A synthetic test record behind a slow server", "Testauthor", 2018),
        _test_work(
            "subtitled", "A synthetic test record", "Testauthor", 2018, subtitle=["with a subtitle"], **{"short-container-title": ["J Test Rec"]}
        ),
    ]
    return {w["DOI"]: w for w in works}


#: A synthetic PubMed record (its PMID is far beyond any PubMed has given), with a retraction notice and the
#: publication types PubMed gives a randomised trial.
SYNTHETIC_PMID = "99999901"
SYNTHETIC_PUBMED = {
    SYNTHETIC_PMID: {
        "uid": SYNTHETIC_PMID,
        "title": "A synthetic test record of a randomized trial in PubMed.",
        "authors": [{"name": "Testauthor T", "authtype": "Author"}],
        "source": "J Test Rec",
        "fulljournalname": "Journal of Test Records",
        "pubdate": "2017 Mar",
        "epubdate": "2017 Jan 12",
        "volume": "2",
        "issue": "1",
        "pages": "101-9",
        "pubtype": ["Journal Article", "Randomized Controlled Trial", "Retracted Publication"],
        "articleids": [{"idtype": "pubmed", "value": SYNTHETIC_PMID}, {"idtype": "doi", "value": TEST + "pubmed-trial"}],
        "references": [{"refsource": "J Test Rec. 2019;4:1", "reftype": "Retraction in", "pmid": 99999902, "note": ""}],
    }
}


class _Handler(BaseHTTPRequestHandler):
    server: RegistryServer

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = (json.dumps(body) if not isinstance(body, str) else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        self.server.requests.append(self.path)
        self.server.agents.append(self.headers.get("User-Agent", ""))
        if url.path.startswith("/crossref/works/"):
            self._crossref(unquote(url.path[len("/crossref/works/") :]))
        elif url.path == "/eutils/esummary.fcgi":
            query = parse_qs(url.query)
            ids = query.get("id", [""])[0].split(",")
            result: dict[str, object] = {"uids": [i for i in ids if i in self.server.pubmed]}
            for pmid in ids:
                result[pmid] = self.server.pubmed.get(pmid, {"uid": pmid, "error": "cannot get document summary"})
            self._send(200, {"header": {"type": "esummary", "version": "0.3"}, "result": result})
        elif url.path == "/eutils/esearch.fcgi":  # term=<doi>[doi]
            term = parse_qs(url.query).get("term", [""])[0].lower().removesuffix("[doi]")
            ids = [
                pmid
                for pmid, record in self.server.pubmed.items()
                if any(i["idtype"] == "doi" and i["value"].lower() == term for i in record["articleids"])
            ]
            self._send(
                200,
                {
                    "header": {"type": "esearch", "version": "0.3"},
                    "esearchresult": {"count": str(len(ids)), "retmax": str(len(ids)), "retstart": "0", "idlist": ids},
                },
            )
        else:
            self._send(404, "Resource not found.")

    def _crossref(self, path: str) -> None:
        agency = path.endswith("/agency")
        doi = (path[: -len("/agency")] if agency else path).lower()
        if doi == TEST + "always-busy" or (doi == TEST + "busy" and doi not in self.server.busy_seen):
            self.server.busy_seen.add(doi)
            self._send(429, {"status": "error", "message": "rate limited"}, {"Retry-After": "1"})
            return
        if doi == TEST + "slow":
            time.sleep(3)
        if doi == TEST + "datacite":
            self._send(404, "Resource not found.") if not agency else self._send(
                200, {"status": "ok", "message-type": "work-agency", "message": {"DOI": doi, "agency": {"id": "datacite", "label": "DataCite"}}}
            )
            return
        work = self.server.crossref.get(doi)
        if work is None:
            self._send(404, "Resource not found.")
        elif agency:
            self._send(
                200, {"status": "ok", "message-type": "work-agency", "message": {"DOI": doi, "agency": {"id": "crossref", "label": "Crossref"}}}
            )
        else:
            self._send(200, {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": work})


class RegistryServer(ThreadingHTTPServer):
    """The server; ``requests`` lists the paths asked, ``agents`` the User-Agent headers sent."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.crossref, self.pubmed = bundled_records()
        self.crossref.update({doi.lower(): work for doi, work in synthetic_records().items()})
        self.pubmed.update(SYNTHETIC_PUBMED)
        self.requests: list[str] = []
        self.agents: list[str] = []
        self.busy_seen: set[str] = set()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextlib.contextmanager
def registry_server() -> Iterator[RegistryServer]:
    """A running server; it is shut down (and its port closed) on leaving."""
    server = RegistryServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
