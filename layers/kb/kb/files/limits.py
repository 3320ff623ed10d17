"""Limits of extraction: what a file may be, and what an archive may make us inflate."""

# A file over this is refused before anything parses it (file_too_large): the largest upload the
# API takes (a presigned S3 upload of up to 100 MB).
MAX_FILE_BYTES = 100 * 1024 * 1024

# DOCX is a ZIP: judged from its central directory before one byte is inflated (archive_bomb).
MAX_ARCHIVE_ENTRIES = 10_000
MAX_ARCHIVE_DECLARED_BYTES = 512 * 1024 * 1024  # all entries' declared sizes together
MAX_PART_BYTES = 64 * 1024 * 1024  # one XML part we read (word/document.xml, styles, core)
# Word's XML deflates 5-30x; a ratio far above that on an entry of any size is a bomb's signature
# (deflate tops out near 1032:1). Small entries are exempt: a 1 KB part of spaces proves nothing.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_ABOVE_BYTES = 1024 * 1024
