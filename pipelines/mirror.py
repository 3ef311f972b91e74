"""Where an official URL lives inside a mirror (a directory tree or an HTTP base URL).

`https://HOST/PATH?QUERY` maps to `HOST/PATH?QUERY`, the layout `wget -x` writes, so a user behind
a firewall can build the same tree. One exception: a file name (last path segment plus query)
longer than a file system allows is shortened to `NAME?sha256=<first 32 hex of sha256(QUERY)>`;
the Federal Register's search URLs with their many `fields[]` need it. And a `/` inside the query
is written `%2F`, so a query can never add directories to the path.

A directory mirror is read through `read_mirror_file`: the file must resolve inside the mirror (a
symlink pointing out of it, to `/etc/passwd` say, is refused) and is read only up to the size
limit, whatever its size.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit, urlunsplit

# ext4 and most file systems cap a name at 255 bytes; keep a margin for temporary suffixes.
MAX_FILE_NAME_BYTES = 200
FILE_SYSTEM_NAME_BYTES = 255


class MirrorPathError(ValueError):
    """A URL whose mirror path would leave the mirror (`..`, encoded slashes, absolute parts,
    a symlink out of it) or that no file system could hold (a name over 255 bytes)."""


class MirrorFileTooLarge(ValueError):
    def __init__(self, path: Path, size: int, limit: int):
        super().__init__(f"{path} is {size} bytes, over the limit of {limit}")
        self.size = size


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
        if len(segment.encode()) > FILE_SYSTEM_NAME_BYTES:
            raise MirrorPathError(f"URL path segment of {len(segment.encode())} bytes is longer than a file name can be ({FILE_SYSTEM_NAME_BYTES})")
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


def read_mirror_file(root: Path, relpath: str, limit: int) -> bytes | None:
    """The bytes of `relpath` in the directory mirror `root` (None when it has no such file).

    Raises MirrorPathError when the file resolves outside `root` (through a symlink anywhere on
    its path) and MirrorFileTooLarge, before reading it, when it is over `limit` bytes; reads at
    most `limit + 1` bytes in any case (a file growing while read).
    """
    path = root / relpath
    if not path.is_file():
        return None
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise MirrorPathError(f"{path} is a link to {resolved}, outside the mirror {root}")
    size = resolved.stat().st_size
    if size > limit:
        raise MirrorFileTooLarge(path, size, limit)
    with open(resolved, "rb") as handle:
        body = handle.read(limit + 1)
    if len(body) > limit:
        raise MirrorFileTooLarge(path, len(body), limit)
    return body


def without_credentials(url: str) -> str:
    """`url` with any `user:password@` removed: what may be printed or recorded of a mirror URL."""
    parts = urlsplit(url)
    if parts.username is None:
        return url
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
