"""Reading parts of a ZIP (a DOCX) without being made to inflate more than we allow.

Everything is judged from the central directory before a byte is inflated: the number of
entries, the sum of their declared sizes, and each large entry's compression ratio. Then each part
is read with a bound: zipfile never returns more than an entry's declared size (a stream that
inflates past it fails its CRC check), and we read at most MAX_PART_BYTES + 1 of it."""

import io
import zipfile
import zlib

from kb.files.limits import (
    MAX_ARCHIVE_DECLARED_BYTES,
    MAX_ARCHIVE_ENTRIES,
    MAX_COMPRESSION_RATIO,
    MAX_PART_BYTES,
    RATIO_CHECK_ABOVE_BYTES,
)
from kb.files.models import ExtractionError

READ_CHUNK_BYTES = 1024 * 1024


def open_archive(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise ExtractionError(f"The document is not a readable ZIP archive ({error}).", "file_corrupt") from error
    entries = archive.infolist()
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise _bomb(f"it has {len(entries)} entries (at most {MAX_ARCHIVE_ENTRIES})")
    declared = sum(entry.file_size for entry in entries)
    if declared > MAX_ARCHIVE_DECLARED_BYTES:
        raise _bomb(f"it would inflate to {declared} bytes (at most {MAX_ARCHIVE_DECLARED_BYTES})")
    for entry in entries:
        if entry.file_size > RATIO_CHECK_ABOVE_BYTES and entry.file_size > MAX_COMPRESSION_RATIO * max(
            entry.compress_size, 1
        ):
            raise _bomb(f"{entry.filename} is compressed {entry.file_size // max(entry.compress_size, 1)}:1")
    return archive


def read_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """The part's bytes, or None if the archive has no such part."""
    try:
        entry = archive.getinfo(name)
    except KeyError:
        return None
    if entry.file_size > MAX_PART_BYTES:
        raise ExtractionError(
            f"The document's {name} is {entry.file_size} bytes (at most {MAX_PART_BYTES}).", "file_too_large"
        )
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(entry) as stream:
            # A megabyte at a time: zipfile inflates as much as one read asks for before it
            # compares the CRC, so one big read of a lying entry would inflate all of it.
            while total <= MAX_PART_BYTES and (chunk := stream.read(READ_CHUNK_BYTES)):
                chunks.append(chunk)
                total += len(chunk)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, OSError, EOFError, RuntimeError) as error:
        # A bad CRC (the stream is not what the directory says), an unknown compression method,
        # an encrypted entry, a truncated stream.
        raise ExtractionError(f"The document's {name} could not be read ({error}).", "file_corrupt") from error
    if total > MAX_PART_BYTES:  # cannot happen past zipfile's own bound; kept as the last guard
        raise _bomb(f"{name} inflates past {MAX_PART_BYTES} bytes")
    return b"".join(chunks)


def _bomb(why: str) -> ExtractionError:
    return ExtractionError(f"The document is refused as a ZIP bomb: {why}.", "archive_bomb")
