"""Finding inputs (walking folders, refusing unsupported, broken and special files; web
addresses given as arguments or listed in ``--urls`` files) and reading one file's bytes
within the size cap."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..records import InputError

from ..settings import DEFAULT_MAX_BYTES  # noqa: F401
SUPPORTED_EXTENSIONS = (
    ".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json", ".xml", ".rss", ".atom", ".warc", ".warc.gz",
)  # fmt: skip
# Read when named, not when a folder is walked: most .xml files in a folder are no feed
# (sitemaps, build files), and each would be an error line (feeds there: .rss, .atom).
NAMED_ONLY = (".xml",)
# Extensions of two suffixes: a compressed web archive is no ".gz" file of any kind.
_COMPOUND_EXTENSIONS = (".warc.gz",)

_MB = 1024 * 1024

# Schemes of the web addresses fetched; any other is refused (no file://, no ftp://).
URL_SCHEMES = ("http://", "https://")

_BROKEN_LINK = "broken symbolic link (missing target or a loop)"
_NOT_REGULAR = "not a regular file or directory (a FIFO, socket or device?)"


class PageUrl(str):
    """An input that is a web page to fetch (``pipeline.ingest.urls``), not a file: the URL
    as given, which is also the key of its article."""


def is_url(arg: str | Path) -> bool:
    """Whether an argument names a web page (http:// or https://) rather than a file.

    A :class:`~pathlib.Path` never does: it has folded the ``//`` of a URL already."""
    return isinstance(arg, str) and arg[:8].lower().startswith(URL_SCHEMES)


def iter_input_files(
    paths: Iterable[str | Path], url_lists: Iterable[str | Path] = ()
) -> Iterator[Path | PageUrl | InputError]:
    """Yield the input files under ``paths``, or an :class:`InputError` for each bad path.

    An argument starting ``http://`` or ``https://`` is yielded as a :class:`PageUrl`, as
    is each URL listed in the ``url_lists`` files (one a line; blank lines and ``#``
    comments skipped; a line that is no http(s) URL is an error naming its line); each
    URL at most once.

    Arguments are taken in the order given; folders are walked recursively with entries
    sorted by name, keeping only supported extensions and skipping hidden names (leading
    ``.``). A file named explicitly must still have a supported extension. Symlinks are
    followed, but each real directory is walked and each real file yielded at most once, so
    symlink loops terminate. Yielded paths keep the spelling of the argument they came from.
    """
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()
    seen_urls: set[str] = set()
    for arg in paths:
        if is_url(arg):
            if arg not in seen_urls:
                seen_urls.add(arg)
                yield PageUrl(arg)
            continue
        path = Path(arg)
        # os.path's tests treat every OSError (a symlink loop included) as "no".
        if os.path.isdir(path):
            yield from _walk_dir(path, seen_dirs, seen_files)
        elif os.path.isfile(path) and not _is_supported(path):
            yield InputError(str(path), _unsupported_message(path))
        elif os.path.lexists(path):
            item = _file_item(path, seen_files)
            if item is not None:
                yield item
        else:
            yield InputError(str(path), "no such file or directory")
    for url_list in url_lists:
        for item in _read_url_list(Path(url_list)):
            if isinstance(item, InputError) or item not in seen_urls:
                seen_urls.add(item)
                yield item


def _read_url_list(path: Path) -> Iterator[PageUrl | InputError]:
    """The URLs of a ``--urls`` file, one a line; blank lines and ``#`` comments skipped."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        yield InputError(str(path), f"cannot read URL list: {_os_reason(exc)}")
        return
    for number, line in enumerate(lines, 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if is_url(url) and len(url.split()) == 1:
            yield PageUrl(url)
        else:
            yield InputError(str(path), f"not an http:// or https:// URL: {url[:80]!r}", line=number)


def _walk_dir(
    directory: Path, seen_dirs: set[str], seen_files: set[str]
) -> Iterator[Path | InputError]:
    if not _first_visit(directory, seen_dirs):
        return
    try:
        names = sorted(os.listdir(directory))
    except OSError as exc:
        yield InputError(str(directory), f"cannot read directory: {_os_reason(exc)}")
        return
    for name in names:
        if name.startswith("."):
            continue
        child = directory / name
        if os.path.isdir(child):
            yield from _walk_dir(child, seen_dirs, seen_files)
        elif _is_supported(child) and input_extension(child) not in NAMED_ONLY:
            item = _file_item(child, seen_files)
            if item is not None:
                yield item


def _file_item(path: Path, seen_files: set[str]) -> Path | InputError | None:
    """A path that exists and is no directory, as an input: the file (None when it was
    yielded already, under another name), or why it cannot be read (a broken symlink, a
    FIFO, socket or device with an article's name)."""
    if os.path.isfile(path):
        return path if _first_visit(path, seen_files) else None
    if os.path.islink(path):
        return InputError(str(path), _BROKEN_LINK)
    return InputError(str(path), _NOT_REGULAR)


def _first_visit(path: Path, seen: set[str]) -> bool:
    real = os.path.realpath(path)
    if real in seen:
        return False
    seen.add(real)
    return True


def input_extension(path: Path) -> str:
    """The extension that chooses a file's parser, lower case: its last suffix, or both of
    a two-suffix one (``.warc.gz``)."""
    name = path.name.lower()
    return next((ext for ext in _COMPOUND_EXTENSIONS if name.endswith(ext)), path.suffix.lower())


def _is_supported(path: Path) -> bool:
    return input_extension(path) in SUPPORTED_EXTENSIONS


def _unsupported_message(path: Path) -> str:
    kind = repr(path.suffix) if path.suffix else "(no extension)"
    return f"unsupported file type {kind} (supported: {', '.join(SUPPORTED_EXTENSIONS)})"


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _read_bytes(path: Path, key: str, max_bytes: int) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError(key, "not a regular file")
        if info.st_size > max_bytes:
            raise InputError(key, _too_large(info.st_size, max_bytes))
        with path.open("rb") as handle:
            # Bounded even if the file grew after the stat.
            raw = handle.read(max_bytes + 1)
            if len(raw) > max_bytes:
                raise InputError(key, _too_large(os.fstat(handle.fileno()).st_size, max_bytes))
    except OSError as exc:
        raise InputError(key, f"cannot read file: {_os_reason(exc)}") from None
    return raw


def _too_large(size: int, max_bytes: int) -> str:
    return (
        f"file too large ({_human_size(size)} > {_human_size(max_bytes)} limit); "
        "split it or raise --max-bytes"
    )


def _human_size(size: int) -> str:
    # Below 0.1 MB the one-decimal MB figure would read "0.0 MB".
    return f"{size / _MB:.1f} MB" if size >= _MB // 10 else f"{size} bytes"
