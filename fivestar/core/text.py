"""Text hygiene shared by forms, imports and the API.

Invisible characters make two identical-looking names differ (a zero-width space), reverse what a
reviewer reads (U+202E), or break PostgreSQL (NUL). We remove them from every piece of user text,
and quote user data in messages only as a short excerpt.
"""

import re
import unicodedata

# C0/C1 controls except tab, newline and carriage return; bidirectional embeddings, overrides and
# isolates; zero-width characters and the BOM; the Arabic letter mark.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff\ufff9-\ufffb]"
)

EXCERPT_CHARS = 40


def has_invisible(value: str) -> bool:
    return bool(_INVISIBLE.search(value))


def clean_text(value: str, *, multiline: bool = True) -> str:
    """Remove invisible and control characters and normalise to NFC; single-line text also loses
    line breaks and tabs (they become a space)."""
    if not value:
        return value
    value = unicodedata.normalize("NFC", _INVISIBLE.sub("", value))
    if not multiline:
        value = re.sub(r"[\t\r\n]+", " ", value)
    return value


def excerpt(value, limit: int = EXCERPT_CHARS) -> str:
    """A short, single-line, cleaned excerpt of user data for a message."""
    text = clean_text(str(value if value is not None else ""), multiline=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
