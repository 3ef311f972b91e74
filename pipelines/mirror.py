"""Where an official URL lives inside a mirror (a directory tree or an HTTP base URL).

`https://HOST/PATH?QUERY` maps to `HOST/PATH?QUERY`, the layout `wget -x` writes, so a user behind
a firewall can build the same tree. One exception: a file name (last path segment plus query)
longer than a file system allows is shortened to `NAME?sha256=<first 32 hex of sha256(QUERY)>`;
the Federal Register's search URLs with their many `fields[]` need it. And a `/` inside the query
is written `%2F`, so a query can never add directories to the path.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

# ext4 and most file systems cap a name at 255 bytes; keep a margin for temporary suffixes.
MAX_FILE_NAME_BYTES = 200


class MirrorPathError(ValueError):
    """A URL whose mirror path would leave the mirror (`..`, encoded slashes, absolute parts)."""


def mirror_relpath(url: str) -> str:
    """The path of `url` relative to a mirror root, refusing anything that could escape it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MirrorPathError(f"not an http(s) URL: {url!r}")
    raw_path = parts.path or "/"
    lowered = raw_path.lower()
    if "%2f" in lowered or "%5c" in lowered or "\\" in raw_path:
        raise MirrorPathError(f"encoded or back slash in URL path: {url!r}")
    segments = [unquote(s) for s in raw_path.split("/") if s]
    if not segments:
        raise MirrorPathError(f"URL has no file path: {url!r}")
    for segment in segments:
        if segment in (".", "..") or "/" in segment or "\x00" in segment:
            raise MirrorPathError(f"URL path segment {segment!r} would escape the mirror: {url!r}")
    host = parts.hostname
    if host in (".", "..") or "/" in host:
        raise MirrorPathError(f"bad host in URL: {url!r}")
    name = segments[-1]
    if parts.query:
        # The query is part of one file name: a slash in it must not open a directory (or climb
        # out of the mirror with `/../`), so slashes and NULs are kept percent-encoded.
        query = parts.query.replace("/", "%2F").replace("\\", "%5C").replace("\x00", "%00")
        name = f"{name}?{query}"
        if len(name.encode()) > MAX_FILE_NAME_BYTES:
            digest = hashlib.sha256(query.encode()).hexdigest()[:32]
            name = f"{segments[-1]}?sha256={digest}"
    return str(PurePosixPath(host, *segments[:-1], name))
