"""The bundle file an auditor takes away: JSON lines, gzip-compressed or not, whose first line
is a header naming the format and its version."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

BUNDLE_FORMAT = "nuanxin-ledger-bundle"
BUNDLE_FORMAT_VERSION = 3
"""2: an account's opening carries `opening_hash`, which its first entry chains to; every
entry carries its transfer's `transfer_digest` in its hash.
3: every event of the log, case events by their digest only; seals with their signatures;
the end line carries a hash over every line before it, the header included."""


class BundleError(ValueError):
    """The file is not a ledger bundle that this verifier reads."""


def header_line(**fields: Any) -> dict[str, Any]:
    """A bundle's first line: the format and its version, and what `fields` say."""
    return {"format": BUNDLE_FORMAT, "format_version": BUNDLE_FORMAT_VERSION, **fields}


def read_header(line: str) -> dict[str, Any]:
    """The header of a bundle in the format and version this verifier reads."""
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"not a {BUNDLE_FORMAT} file (its first line is not the header)")
    if header.get("format_version") != BUNDLE_FORMAT_VERSION:
        raise BundleError(
            f"bundle format version {header.get('format_version')} is not "
            f"{BUNDLE_FORMAT_VERSION}, which this verifier reads"
        )
    return header


@contextlib.contextmanager
def open_for_writing(path: Path, *, compress: bool) -> Iterator[IO[str]]:
    """A new file that only its owner can read (a bundle holds the ledger in clear)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing partial file keeps its mode otherwise
    with os.fdopen(descriptor, "wb") as raw:
        if compress:
            with gzip.open(raw, "wt", encoding="utf-8") as handle:
                yield handle
        else:
            with io.TextIOWrapper(raw, encoding="utf-8") as handle:
                yield handle


@contextlib.contextmanager
def open_for_reading(path: Path) -> Iterator[Iterator[str]]:
    """Lines of a bundle, gzip or not (an auditor may have unpacked it to read it)."""
    with contextlib.ExitStack() as stack:
        try:
            with path.open("rb") as probe:
                compressed = probe.read(2) == b"\x1f\x8b"
            opener = gzip.open if compressed else open
            handle: IO[str] = stack.enter_context(opener(path, "rt", encoding="utf-8"))
        except OSError as error:
            raise BundleError(f"cannot read {path}: {error.strerror or error}") from None
        try:
            yield iter(handle)
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise BundleError(f"{path} is damaged: {error}") from None


def encode_line(item: Mapping[str, Any]) -> str:
    """One line of a bundle, without its line break."""
    return json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class LinesDigest:
    """The running sha256 over a bundle's lines as written (without their line breaks), which
    its end line carries and the verifier recomputes: an edited header or line shows."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()

    def add(self, line: str) -> None:
        self._sha.update(line.encode("utf-8"))
        self._sha.update(b"\n")

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
