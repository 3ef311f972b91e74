"""Read a response body in pieces, decoding gzip/deflate as it comes, never past the size limit.

The limit applies to the decoded body: a 10 KiB gzip that inflates to 10 GiB stops at the limit,
and no more than the limit (plus one piece) is ever held. zlib's `max_length` keeps each inflate
step bounded; a library decoder inflates a whole network chunk at once (a 64 KiB chunk of zeros
is 64 MiB).
"""

from __future__ import annotations

import zlib
from typing import Iterable

# What we ask for in Accept-Encoding, and all we decode.
ACCEPTED_ENCODINGS = "gzip, deflate"
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_STEP = 1 << 20  # inflate at most 1 MiB per step


class BodyError(Exception):
    """A body that is not usable: over the limit, or not the encoding it claims."""

    def __init__(self, problem: str, *, over_limit: bool = False):
        super().__init__(problem)
        self.over_limit = over_limit


def read_decoded(chunks: Iterable[bytes], content_encoding: str | None, limit: int) -> bytes:
    """The body of `chunks` (as sent), decoded per `content_encoding`, at most `limit` bytes."""
    encoding = (content_encoding or "identity").strip().lower()
    if encoding == "identity":
        return _capped(chunks, limit)
    if encoding not in _WBITS:
        raise BodyError(f"Content-Encoding {content_encoding!r} is not one we asked for ({ACCEPTED_ENCODINGS})")
    inflater = zlib.decompressobj(_WBITS[encoding])
    out = bytearray()
    try:
        for chunk in chunks:
            data = chunk
            while data:
                out += inflater.decompress(data, min(_STEP, limit + 1 - len(out)))
                if len(out) > limit:
                    raise BodyError(f"body passed the limit of {limit} bytes after {encoding} decoding", over_limit=True)
                data = inflater.unconsumed_tail
                if inflater.eof and (data or inflater.unused_data):
                    raise BodyError(f"bytes after the end of the {encoding} stream")
        out += inflater.flush()  # at most a window's worth (32 KiB) is still pending
        if len(out) > limit:
            raise BodyError(f"body passed the limit of {limit} bytes after {encoding} decoding", over_limit=True)
        if not inflater.eof:
            raise BodyError(f"the {encoding} stream is cut short")
    except zlib.error as exc:
        raise BodyError(f"not valid {encoding} data ({exc})") from None
    return bytes(out)


def _capped(chunks: Iterable[bytes], limit: int) -> bytes:
    out = bytearray()
    for chunk in chunks:
        out += chunk
        if len(out) > limit:
            raise BodyError(f"body passed the limit of {limit} bytes", over_limit=True)
    return bytes(out)
