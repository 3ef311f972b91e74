"""Where the fetcher may go after the URL it was given: redirects and next-page links.

The URLs the sources ask for are ours (the source catalogue); what a server answers is not. A
redirect (`Location`) or an API's link to its next page (`next_page_url`) may only lead to:

- the same origin (scheme, host and port) as the URL first asked for, or
- https on a host of the same publisher (`PUBLISHER_DOMAINS`: `ticdata.treasury.gov` may send us
  to `home.treasury.gov`, never to another site, another scheme or another port);
- through an HTTP mirror (`TLW_MIRROR=http...`), only the mirror's own origin: a mirror stands in
  for the internet, it must not send the fetcher onto it.

Anything else (another host, plain http, a loopback or metadata address, a port) is refused with
an error naming the source and the URL. A source on a new publisher adds its domain here.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from pipelines.fetch_errors import FetchError

# Registrable domains of the publishers the warehouse reads; a host equal to one or under it
# (`api.fiscaldata.treasury.gov`) belongs to that publisher.
PUBLISHER_DOMAINS = ("treasury.gov", "stlouisfed.org", "mof.go.jp", "federalregister.gov")
MAX_REDIRECTS = 5
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORT = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or _DEFAULT_PORT.get(scheme, 0)


def publisher_of(host: str) -> str | None:
    host = host.lower().rstrip(".")
    return next((d for d in PUBLISHER_DOMAINS if host == d or host.endswith("." + d)), None)


def refusal(first_url: str, to_url: str, *, mirror_origin: tuple[str, str, int] | None = None) -> str | None:
    """Why the fetcher may not go from a request for `first_url` to `to_url`; None when it may."""
    target = origin(to_url)
    if mirror_origin is not None:
        return None if target == mirror_origin else "it leaves the mirror"
    if target == origin(first_url):
        return None
    scheme, host, port = target
    if scheme != "https":
        return f"only https may lead away from {origin(first_url)[1]}, not {scheme or 'no scheme'}"
    publisher = publisher_of(origin(first_url)[1])
    if publisher is None or publisher_of(host) != publisher or port != 443:
        return f"{host}:{port} is not a host of the publisher of {origin(first_url)[1]}"
    return None


def check_page_link(source: str, page_url: str, next_url: str) -> str:
    """The absolute URL of a page's link to the next page, if the fetcher may follow it.

    Every paged client calls this before following `next_page_url` / `links.next`; a link to
    another host is an error naming the source and the link (the page it came from in the text).
    """
    absolute = urljoin(page_url, next_url)
    why = refusal(page_url, absolute)
    if why:
        raise FetchError(source, absolute, f"next-page link refused ({why}); it came from {page_url}")
    return absolute
