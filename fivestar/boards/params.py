"""Reading a board's query parameters (pages and API alike): junk falls back to the default, never a 500."""

from django.utils import timezone

from fivestar.orgs.models import Category


def year_of(value) -> int:
    today = timezone.localdate().year
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        return today
    return year if 2000 <= year <= today + 1 else today


def area_of(value) -> int | None:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 2**31 else None


def category_of(value) -> str | None:
    value = (value or "").strip()
    return value if value in Category.values else None


def star_of(value) -> str | None:
    value = (value or "").strip()
    return value[:20] or None
