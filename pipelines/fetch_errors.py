"""The one error every fetch failure becomes: it names the source and the official URL."""

from __future__ import annotations


class FetchError(RuntimeError):
    """A fetch that failed for good (after any retries): `[source] URL: problem`."""

    def __init__(self, source: str, url: str, problem: str, *, missing_in_mirror: bool = False, status: int | None = None):
        self.source = source
        self.url = url
        self.problem = problem
        self.missing_in_mirror = missing_in_mirror
        self.status = status  # the HTTP status of a definite answer (a 404), when that is the failure
        super().__init__(f"[{source}] {url}: {problem}")
