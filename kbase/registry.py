"""The bibliographic registries: Crossref's REST API (by DOI) and PubMed's E-utilities (by PMID).

This is kbase's only module that reaches the network, and only ``kbase refs verify`` and ``kbase refs
add`` call it. Every answer is kept in an HTTP cache in the user's cache folder
(``$XDG_CACHE_HOME/kbase/registry.sqlite``, or ``~/.cache/kbase/``), stored as JSON by requests-cache
(never a pickle), for :data:`EXPIRE_DAYS` days; so a second run, and a CI re-run, answer from the cache,
and ``offline=True`` answers from the cache alone (an expired answer included) and names what it
could not check.

The registries are asked politely:

* base URLs from ``KBASE_CROSSREF_URL`` (default :data:`CROSSREF_URL`) and ``KBASE_PUBMED_URL``
  (default :data:`PUBMED_URL`): from the user's environment only, never from a repository's settings;
* a contact address for Crossref's polite pool (``mailto``: ``KBASE_MAILTO``, or ``mailto`` in
  ``kbase.toml``), sent in the User-Agent as Crossref asks;
* at most :data:`PUBMED_RATE` requests a second to PubMed (:data:`PUBMED_KEYED_RATE` with an
  ``NCBI_API_KEY``), and :data:`CROSSREF_RATE` to Crossref; PubMed's ``esummary`` asked for up to
  :data:`PUBMED_BATCH` ids at once;
* timeouts, and up to :data:`RETRIES` retries with exponential backoff on a refused connection, a
  ``429`` or a ``5xx``, waiting what ``Retry-After`` says (at most :data:`MAX_RETRY_AFTER` seconds).

An answer is a :class:`Answer`: ``found`` with the record, ``not-found`` (the registry does not know
the identifier), or ``unchecked`` with the reason (offline and not cached, unreachable, an answer
that is not the registry's JSON).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .config import MAILTO
from .errors import KbaseError
from .version import __version__

if TYPE_CHECKING:
    import requests

__all__ = ["CROSSREF_URL", "PUBMED_URL", "Answer", "Registry", "RegistryError", "registry_cache_path"]

CROSSREF_URL = "https://api.crossref.org"
PUBMED_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
#: How long an answer is kept before it is asked again (an expired answer still serves ``offline``).
EXPIRE_DAYS = 30
#: Requests a second: PubMed's documented limits without and with an API key; Crossref's public pool.
PUBMED_RATE, PUBMED_KEYED_RATE, CROSSREF_RATE = 3.0, 10.0, 5.0
#: PubMed ids per ``esummary`` request (NCBI asks for at most a few hundred per GET).
PUBMED_BATCH = 200
RETRIES = 3
MAX_RETRY_AFTER = 60
TIMEOUT = (5.0, 30.0)  # seconds to connect, seconds to read


class RegistryError(KbaseError):
    """A registry setting is unusable (a base URL that is not http(s), a contact that is not an address)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What a registry said of one identifier."""

    status: str  # "found", "not-found" or "unchecked"
    record: dict[str, Any] = field(default_factory=dict)
    why: str = ""  # for "unchecked": why there is no answer; for "not-found" from Crossref: the DOI's agency, if another
    cached: bool = False


def registry_cache_path() -> Path:
    """The registry cache: ``$XDG_CACHE_HOME/kbase/registry.sqlite`` (``~/.cache/kbase/`` without it), the user's
    own folder beside the parse cache's secret, never the project's."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kbase" / "registry.sqlite"


def _base_url(variable: str, default: str) -> str:
    url = os.environ.get(variable, "").strip() or default
    if not re.match(r"https?://[^\s/]+", url):
        raise RegistryError(f"{variable} must be an http:// or https:// address, not {url!r}")
    return url.rstrip("/")


class _Throttle:
    """At most ``rate`` network requests a second to one registry (answers from the cache do not count)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.last = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            pause = self.last + self.interval - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self.last = time.monotonic()


class Registry:
    """Crossref and PubMed, through one cached, polite HTTP session.

    Parameters
    ----------
    mailto : str
        A contact address for Crossref's polite pool (``KBASE_MAILTO`` wins over it).
    offline : bool
        Answer from the cache only; what it lacks is ``unchecked``.
    cache : path, optional
        The cache file (default :func:`registry_cache_path`).
    timeout : (float, float)
        Seconds to connect and to read.
    retries : int
        Retries of a refused connection, a timeout, a 429 or a 5xx, with exponential backoff.
    """

    def __init__(
        self,
        mailto: str = "",
        offline: bool = False,
        cache: str | Path | None = None,
        timeout: tuple[float, float] = TIMEOUT,
        retries: int = RETRIES,
        backoff: float = 0.5,
    ) -> None:
        self.crossref_url = _base_url("KBASE_CROSSREF_URL", CROSSREF_URL)
        self.pubmed_url = _base_url("KBASE_PUBMED_URL", PUBMED_URL)
        self.mailto = os.environ.get("KBASE_MAILTO", "").strip() or mailto.strip()
        if self.mailto and not MAILTO.fullmatch(self.mailto):
            raise RegistryError(f"the contact address for Crossref must be an e-mail address, not {self.mailto!r}")
        self.api_key = os.environ.get("NCBI_API_KEY", "").strip()
        self.offline = offline
        self.cache = Path(cache) if cache is not None else registry_cache_path()
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._pubmed_throttle = _Throttle(PUBMED_KEYED_RATE if self.api_key else PUBMED_RATE)
        self._crossref_throttle = _Throttle(CROSSREF_RATE)
        self._session: requests.Session | None = None

    @property
    def session(self) -> requests.Session:
        """The cached session, made on first use (requests and requests-cache are imported only here)."""
        if self._session is None:
            import requests_cache
            from requests.adapters import HTTPAdapter
            from urllib3.util.retry import Retry

            class _Retry(Retry):  # Retry-After honoured, but never for longer than MAX_RETRY_AFTER
                def parse_retry_after(self, retry_after: str) -> float:
                    return min(float(MAX_RETRY_AFTER), super().parse_retry_after(retry_after))

            self.cache.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            session = requests_cache.CachedSession(
                str(self.cache),
                backend="sqlite",
                serializer="json",
                expire_after=timedelta(days=EXPIRE_DAYS),
                allowable_codes=(200, 404),
                stale_if_error=True,
            )
            retry = _Retry(
                total=self.retries,
                connect=self.retries,
                read=self.retries,
                status=self.retries,
                backoff_factor=self.backoff,
                status_forcelist=(429, 500, 502, 503, 504),
                allowed_methods=("GET",),
                respect_retry_after_header=True,
                raise_on_status=False,
            )
            for scheme in ("http://", "https://"):
                session.mount(scheme, HTTPAdapter(max_retries=retry))

            contact = f"; mailto:{self.mailto}" if self.mailto else ""
            session.headers["User-Agent"] = f"kbase/{__version__} (https://pypi.org/project/kbase/{contact})"
            self._session = session
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, url: str, params: dict[str, str], throttle: _Throttle) -> tuple[int, Any, str, bool]:
        """``(status, parsed JSON or None, why not, from cache)`` for one GET; status 0 when there is no answer."""
        import requests

        if self.offline:
            response = self.session.get(url, params=params, timeout=self.timeout, only_if_cached=True)
            if response.status_code == 504:  # requests-cache's answer for what it does not hold
                return 0, None, "offline, and not in the cache", False
        else:
            if not self.session.cache.contains(request=requests.Request("GET", url, params=params).prepare()):
                throttle.wait()
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except requests.RequestException as exc:
                return 0, None, _network_why(exc), False
        cached = bool(getattr(response, "from_cache", False))
        if response.status_code == 404:
            return 404, None, "", cached
        if response.status_code != 200:
            return 0, None, f"the registry answered HTTP {response.status_code}", cached
        try:
            return 200, response.json(), "", cached
        except ValueError:
            return 0, None, "the registry's answer is not JSON", cached

    def crossref(self, dois: Iterable[str], progress: Callable[[int], None] | None = None) -> dict[str, Answer]:
        """Crossref's ``/works/{doi}`` record of each DOI (the ``message`` object), keyed by the DOI as given.

        A DOI that Crossref does not know is asked of ``/works/{doi}/agency``: one registered with
        another agency (DataCite, mEDRA…) is ``unchecked`` with that agency named, not ``not-found``.
        """
        answers = {}
        for doi in dict.fromkeys(dois):
            answers[doi] = self._crossref_one(doi)
            if progress:
                progress(1)
        return answers

    def _crossref_one(self, doi: str) -> Answer:
        path = quote(doi, safe="/:;()<>[]@!$&'*+,=-._~")
        status, data, why, cached = self._get(f"{self.crossref_url}/works/{path}", {}, self._crossref_throttle)
        if status == 200:
            message = data.get("message") if isinstance(data, dict) else None
            if not isinstance(message, dict):
                return Answer("unchecked", why="Crossref's answer has no work record", cached=cached)
            return Answer("found", message, cached=cached)
        if status != 404:
            return Answer("unchecked", why=why, cached=cached)
        status, data, why, _ = self._get(f"{self.crossref_url}/works/{path}/agency", {}, self._crossref_throttle)
        agency = ""
        if status == 200 and isinstance(data, dict) and isinstance(data.get("message"), dict):
            found = data["message"].get("agency")
            agency = str(found.get("label") or found.get("id") or "") if isinstance(found, dict) else ""
        if agency and agency.lower() != "crossref":
            return Answer("unchecked", why=f"registered with {agency}, not Crossref", cached=cached)
        return Answer("not-found", cached=cached)

    def pubmed(self, pmids: Iterable[str], progress: Callable[[int], None] | None = None) -> dict[str, Answer]:
        """PubMed's ``esummary`` record of each PMID (JSON, version 2.0), asked :data:`PUBMED_BATCH` at a time."""
        wanted = [p for p in dict.fromkeys(pmids)]
        answers: dict[str, Answer] = {}
        for start in range(0, len(wanted), PUBMED_BATCH):
            batch = wanted[start : start + PUBMED_BATCH]
            answers.update(self._pubmed_batch(batch))
            if progress:
                progress(len(batch))
        return answers

    def pubmed_id(self, doi: str) -> str:
        """The PMID PubMed's ``esearch`` finds for a DOI (``10.…[doi]``); "" when none, or several, or no answer."""
        params = {"db": "pubmed", "term": f"{doi}[doi]", "retmode": "json"}
        if self.api_key:
            params["api_key"] = self.api_key
        status, data, _, _ = self._get(f"{self.pubmed_url}/esearch.fcgi", params, self._pubmed_throttle)
        found = data.get("esearchresult") if status == 200 and isinstance(data, dict) else None
        ids = found.get("idlist") if isinstance(found, dict) else None
        return str(ids[0]) if isinstance(ids, list) and len(ids) == 1 and str(ids[0]).isdigit() else ""

    def _pubmed_batch(self, batch: Sequence[str]) -> dict[str, Answer]:
        params = {"db": "pubmed", "id": ",".join(batch), "retmode": "json", "version": "2.0"}
        if self.api_key:
            params["api_key"] = self.api_key
        status, data, why, cached = self._get(f"{self.pubmed_url}/esummary.fcgi", params, self._pubmed_throttle)
        result = data.get("result") if status == 200 and isinstance(data, dict) else None
        if not isinstance(result, dict):
            if status == 200:
                why = _pubmed_error(data) or "PubMed's answer has no result"
            return {pmid: Answer("unchecked", why=why or "PubMed did not answer", cached=cached) for pmid in batch}
        answers = {}
        for pmid in batch:
            record = result.get(pmid)
            if not isinstance(record, dict) or record.get("error") or not record.get("uid"):
                answers[pmid] = Answer("not-found", cached=cached)
            else:
                answers[pmid] = Answer("found", record, cached=cached)
        return answers


def _pubmed_error(data: object) -> str:
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return f"PubMed: {data['error']}"
    return ""


def _network_why(exc: Exception) -> str:
    """A network failure in a few words (no traceback, no URL with an API key in it)."""
    import requests

    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(exc, requests.Timeout) or "timed out" in str(reason or ""):
        return "the registry did not answer in time"
    if isinstance(exc, requests.exceptions.RetryError):
        return "the registry kept refusing (too many requests or a server error), even after retries"
    if isinstance(exc, requests.ConnectionError):
        return "cannot reach the registry"
    return f"the request failed ({type(exc).__name__})"
