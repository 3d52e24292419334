"""The HTTP client against a local server: rate limits, bounded waits, retries of reads only, pages."""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from typing import Any

import pytest

from pmsite.tracking.errors import OutcomeUnknown, RequestFailed, TrackerError
from pmsite.tracking.http import Client

from trackers.fakes import FakeServer

SECRET = "s3cr3t-token-0005"


class Echo(FakeServer):
    """Answers 200 with a list of numbers, 25 per page of 60, with a Link to the next page."""

    def authorised(self, headers: dict[str, str]) -> bool:
        return headers.get("authorization") == f"Bearer {SECRET}"

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, dict[str, str], Any]:
        if path == "/pages":
            page = int(query.get("page", ["1"])[0])
            headers = {"Link": f'<{self.base}/pages?page={page + 1}>; rel="next"'} if page < 3 else {}
            return 200, headers, list(range((page - 1) * 25, min(page * 25, 60)))
        if path == "/elsewhere":
            return 200, {"Link": '<https://evil.example.com/steal?page=2>; rel="next"'}, []
        return (201 if method == "POST" else 200), {}, {"ok": True}


@pytest.fixture
def server() -> Iterator[Echo]:
    fake = Echo().start()
    yield fake
    fake.stop()


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))
        self.now += seconds

    def time(self) -> float:
        return self.now


def client(server: Echo, clock: Clock, **options: Any) -> Client:
    return Client(server.url, {"Authorization": f"Bearer {SECRET}"}, [SECRET], sleep=clock.sleep, clock=clock.time,
                  **{"max_wait": 120, "retries": 2, "backoff": 0.5, **options})


def test_retry_after_is_honoured_on_429(server: Echo) -> None:
    clock = Clock()
    server.fault("GET", "/x", 429, headers={"Retry-After": "7"})
    assert client(server, clock).request("GET", "/x").json() == {"ok": True}
    assert clock.waits == [7.0]


def test_retry_after_as_a_date(server: Echo) -> None:
    clock = Clock()
    server.fault("GET", "/x", 503, headers={"Retry-After": email.utils.formatdate(clock.now + 30, usegmt=True)})
    client(server, clock).request("GET", "/x")
    assert clock.waits == [30.0]


def test_githubs_primary_limit_waits_until_the_reset(server: Echo) -> None:
    clock = Clock()
    server.fault("GET", "/x", 403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(clock.now) + 42)},
                 body={"message": "API rate limit exceeded"})
    client(server, clock).request("GET", "/x")
    assert clock.waits == [43.0]


def test_githubs_secondary_limit_without_headers_waits_a_minute(server: Echo) -> None:
    clock = Clock()
    server.fault("POST", "/x", 403, body={"message": "You have exceeded a secondary rate limit. Please wait a few minutes."})
    assert client(server, clock).request("POST", "/x", accept=(201,), create=True).status_code == 201
    assert clock.waits == [60.0]
    assert len(server.requests("POST")) == 2  # the limited create was not processed: sending it again is safe


def test_a_plain_403_is_no_rate_limit(server: Echo) -> None:
    clock = Clock()
    server.fault("GET", "/x", 403, body={"message": "Resource not accessible by integration"})
    with pytest.raises(RequestFailed) as caught:
        client(server, clock).request("GET", "/x")
    assert str(caught.value) == f"GET {server.url}/x: HTTP 403: Resource not accessible by integration"
    assert clock.waits == []


def test_a_wait_longer_than_max_wait_fails_at_once(server: Echo) -> None:
    clock = Clock()
    server.fault("GET", "/x", 429, headers={"Retry-After": "3600"}, body={"message": "slow down"})
    with pytest.raises(RequestFailed) as caught:
        client(server, clock, max_wait=60).request("GET", "/x")
    assert str(caught.value) == (f"GET {server.url}/x: HTTP 429: rate limited: asked to wait 3600 s, more than tracker.max_wait "
                                 "(60 s); slow down; run again later")
    assert clock.waits == []


def test_reads_are_retried_with_backoff_on_5xx(server: Echo) -> None:
    clock = Clock()
    server.fault("GET", "/x", 502, times=2)
    assert client(server, clock).request("GET", "/x").status_code == 200
    assert clock.waits == [0.5, 1.0]
    server.fault("GET", "/x", 500, times=3, body={"message": "down"})
    with pytest.raises(RequestFailed, match=r"HTTP 500: down$"):
        client(server, clock).request("GET", "/x")


def test_a_create_is_never_sent_twice_after_an_unclear_answer(server: Echo) -> None:
    clock = Clock()
    server.fault("POST", "/x", 500, body={"message": "oops"})
    with pytest.raises(OutcomeUnknown) as caught:
        client(server, clock).request("POST", "/x", json_body={"title": "t"}, accept=(201,), create=True)
    assert str(caught.value) == f"POST {server.url}/x: HTTP 500: oops"
    assert len(server.requests("POST")) == 1 and clock.waits == []


def test_a_create_that_could_not_connect_is_retried(server: Echo) -> None:
    clock = Clock()
    dead = Client("http://127.0.0.1:9", {}, [], sleep=clock.sleep, clock=clock.time, retries=1, backoff=0.25)
    with pytest.raises(RequestFailed) as caught:
        dead.request("POST", "/x", create=True)
    assert not isinstance(caught.value, OutcomeUnknown)  # never sent: nothing can have been created
    assert str(caught.value).startswith("POST http://127.0.0.1:9/x: no answer (ConnectError")
    assert clock.waits == [0.25]


def test_creates_are_paced(server: Echo) -> None:
    clock = Clock()
    paced = client(server, clock, pace=1.0)
    for _ in range(3):
        paced.request("POST", "/x", accept=(201,), create=True)
    paced.request("GET", "/x")
    assert clock.waits == [1.0, 1.0]


def test_pages_are_followed_to_the_end_on_the_same_host_only(server: Echo) -> None:
    clock = Clock()
    c = client(server, clock)
    assert [n for page in c.pages("/pages") for n in page.json()] == list(range(60))
    with pytest.raises(TrackerError, match="refused to send the token to another host: https://evil.example.com/steal"):
        list(c.pages("/elsewhere"))
    assert server.bad_auth == 0


def test_messages_never_hold_the_token(server: Echo) -> None:
    clock = Clock()
    server.fault("GET", "/x", 400, body={"message": f"bad header Bearer {SECRET}", "errors": [{"value": SECRET}]})
    with pytest.raises(RequestFailed) as caught:
        client(server, clock).request("GET", "/x")
    assert SECRET not in str(caught.value)
    assert str(caught.value) == f'GET {server.url}/x: HTTP 400: bad header Bearer ***; {{"value": "***"}}'
