"""A thin client on httpx: rate limits honoured, bounded waits, safe retries, pagination to the end.

- ``Retry-After`` (seconds or a date) on 429, 503 and GitHub's 403 secondary limits; GitHub's
  ``x-ratelimit-remaining: 0`` with ``x-ratelimit-reset``; a secondary limit without either waits
  a minute, as GitHub asks. A wait longer than ``max_wait`` fails the run instead.
- Reads (GET, and searches sent as POST) are retried on 5xx and network errors with backoff.
- A create is never sent again after an unclear outcome (5xx, a connection lost after sending):
  :class:`~.errors.OutcomeUnknown` tells the caller to look for the ticket first. Creates are paced
  (``pace`` seconds apart; GitHub asks for one second between POSTs).
- Authentication headers go only to the tracker's own origin (a ``Link`` to another host is refused).
- Every message is redacted: no token, in any form, reaches an error, whatever httpx or the tracker says.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from pmsite import __version__
from pmsite.problems import printable
from pmsite.tracking.errors import OutcomeUnknown, RequestFailed, TrackerError

ANSWER_CHARS = 300  # what a message quotes of a tracker's answer
MAX_RATE_WAITS = 8  # rate-limit waits for one request before giving up
MAX_PAGES = 100_000
SECONDARY_WAIT = 60.0  # GitHub: "wait for at least one minute" when a secondary limit names no time


def redact(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every secret replaced by ``***`` (longest first, so no part of one survives)."""
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def answer_text(response: httpx.Response) -> str:
    """What the tracker said, in one short line: its error messages when the body is JSON, else the text."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    parts: list[str] = []
    if isinstance(body, dict):
        for key in ("message", "error", "error_description"):
            if isinstance(body.get(key), str):
                parts.append(body[key])
        for key in ("errorMessages", "errors"):
            value = body.get(key)
            if isinstance(value, list):
                parts.extend(json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v for v in value)
            elif isinstance(value, dict):
                parts.extend(f"{k}: {v}" for k, v in value.items())
            elif isinstance(value, str):
                parts.append(value)
    text = "; ".join(parts) if parts else response.text
    text = " ".join(text.split()) or (response.reason_phrase or "no message")
    return text if len(text) <= ANSWER_CHARS else text[: ANSWER_CHARS - 3] + "..."


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


class Client:
    """Requests to one tracker. ``sleep`` and ``clock`` are injectable so tests wait for nothing."""

    def __init__(
        self,
        base: str,
        headers: Mapping[str, str],
        secrets: Sequence[str],
        *,
        timeout: float = 30.0,
        max_wait: float = 600.0,
        retries: int = 3,
        backoff: float = 1.0,
        pace: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base = base.rstrip("/")
        self._auth = dict(headers)
        self.secrets = tuple(secrets)
        self.max_wait, self.retries, self.backoff, self.pace = max_wait, retries, backoff, pace
        self._sleep, self._clock = sleep, clock
        self._last_create = float("-inf")
        self.requests = 0
        self._http = httpx.Client(
            timeout=timeout, follow_redirects=False, transport=transport,
            headers={"User-Agent": f"pmsite/{__version__}", "Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base + path

    def _fail(self, cls: type[RequestFailed], method: str, url: str, status: int | None, answer: str) -> RequestFailed:
        return cls(method, printable(redact(url, self.secrets)), status, printable(redact(answer, self.secrets)))

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json_body: Any = None,
        accept: Sequence[int] = (200,),
        create: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One request; the answer when its status is in ``accept``, else RequestFailed.

        ``create`` marks a request that changes the tracker: paced, and never repeated after an
        unclear outcome (OutcomeUnknown). Any other request is a read and is retried.
        """
        url = self.url(path)
        if _origin(url) != _origin(self.base):
            raise TrackerError(f"refused to send the token to another host: {printable(redact(url, self.secrets))}")
        sent_headers = {**self._auth, **(headers or {})}
        attempt = rate_waits = 0
        while True:
            if create:
                ready = self._last_create + self.pace
                now = self._clock()
                if now < ready:
                    self._sleep(ready - now)
            self.requests += 1
            try:
                response = self._http.request(method, url, params=params, json=json_body, headers=sent_headers)
            except httpx.HTTPError as exc:
                if create:
                    self._last_create = self._clock()
                reason = f"no answer ({type(exc).__name__}: {exc})" if str(exc) else f"no answer ({type(exc).__name__})"
                never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                if (not create or never_sent) and attempt < self.retries:
                    self._sleep(self.backoff * 2**attempt)
                    attempt += 1
                    continue
                raise self._fail(RequestFailed if never_sent or not create else OutcomeUnknown,
                                 method, url, None, reason) from None
            if create:
                self._last_create = self._clock()
            wait = self.rate_limit_wait(response)
            if wait is not None:
                if wait > self.max_wait or rate_waits >= MAX_RATE_WAITS:
                    why = (f"rate limited: asked to wait {wait:.0f} s, more than tracker.max_wait ({self.max_wait:g} s)"
                           if wait > self.max_wait else f"still rate limited after {rate_waits} waits")
                    raise self._fail(RequestFailed, method, url, response.status_code,
                                     f"{why}; {answer_text(response)}; run again later")
                self._sleep(wait)
                rate_waits += 1
                continue
            if response.status_code >= 500:
                if not create and attempt < self.retries:
                    self._sleep(self.backoff * 2**attempt)
                    attempt += 1
                    continue
                raise self._fail(OutcomeUnknown if create else RequestFailed, method, url, response.status_code,
                                 answer_text(response))
            if response.status_code not in accept:
                raise self._fail(RequestFailed, method, url, response.status_code, answer_text(response))
            return response

    def rate_limit_wait(self, response: httpx.Response) -> float | None:
        """Seconds to wait before sending again when the answer is a rate limit, else None."""
        status = response.status_code
        if status not in (403, 429, 503):
            return None
        headers = response.headers
        retry_after = headers.get("retry-after")
        if retry_after is not None:
            return self._seconds(retry_after)
        if status == 503:
            return None
        remaining = headers.get("x-ratelimit-remaining", headers.get("ratelimit-remaining"))
        reset = headers.get("x-ratelimit-reset", headers.get("ratelimit-reset"))
        if remaining == "0" and reset is not None and reset.strip().isdigit():
            return max(0.0, float(reset) - self._clock()) + 1.0
        if status == 429:
            return SECONDARY_WAIT
        if "secondary rate limit" in response.text.lower():
            return SECONDARY_WAIT
        return None

    def _seconds(self, value: str) -> float:
        text = value.strip()
        if text.isdigit():
            return float(text)
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return SECONDARY_WAIT
        return max(0.0, when.timestamp() - self._clock())

    def json(self, response: httpx.Response) -> Any:
        """The answer's JSON, or a TrackerError naming the request."""
        try:
            return response.json()
        except (ValueError, UnicodeDecodeError):
            raise self._fail(RequestFailed, response.request.method, str(response.request.url), response.status_code,
                             "expected a JSON answer, got: " + answer_text(response)) from None

    def pages(self, path: str, params: Any = None) -> Iterator[httpx.Response]:
        """Every page of a listing, following ``Link: rel="next"`` to the end (GitHub, GitLab)."""
        url: str | None = self.url(path)
        seen: set[str] = set()
        query = params
        for _ in range(MAX_PAGES):
            if url is None:
                return
            response = self.request("GET", url, params=query)
            yield response
            query = None  # the next link carries the query
            following = response.links.get("next", {}).get("url")
            if following is None or following in seen:
                return
            following = urljoin(url, following)
            seen.add(following)
            url = following
        raise TrackerError(f"GET {self.url(path)}: more than {MAX_PAGES:,} pages")
