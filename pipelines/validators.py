"""Which ETag / Last-Modified values the fetcher keeps and sends back in a conditional request.

A validator goes back to the server verbatim in `If-None-Match` / `If-Modified-Since`; one that is
not a valid header value (non-ASCII, control characters) cannot be sent at all, and stored once it
would break every later refresh of that URL. So a validator is trusted only when it is printable
ASCII of sane length and has its RFC 9110 form: an ETag is `"..."` or `W/"..."`, a Last-Modified
is an HTTP date. Anything else is neither stored nor sent: the URL is then fetched in full, which
costs bytes, never correctness.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime

MAX_LENGTH = 256
_ETAG = re.compile(r'(W/)?"[\x21\x23-\x7e]*"')


def _printable_ascii(value: str) -> bool:
    return len(value) <= MAX_LENGTH and all(" " <= ch <= "~" for ch in value)


def usable_etag(value: str | None) -> bool:
    return value is not None and _printable_ascii(value) and _ETAG.fullmatch(value) is not None


def usable_last_modified(value: str | None) -> bool:
    if value is None or not _printable_ascii(value):
        return False
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return False
    return True
