"""Names of administrative units: display names, branch types, pinyin initials for search."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

RURAL = "rural"
COMMUNITY = "community"

_VILLAGE_SUFFIXES = ("村民委员会", "村委会")
_COMMUNITY_SUFFIXES = ("居民委员会", "居委会")


def display_name(name: str) -> str:
    """`西辛庄村委会` → `西辛庄村`; `张贾村村委会` → `张贾村`; `龙鑫苑社区居民委员会` → `龙鑫苑社区`."""
    name = name.strip()
    for suffix in _VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            return base if base.endswith("村") else base + "村"
    for suffix in _COMMUNITY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            return base if base.endswith("社区") else base + "社区"
    return name


def branch_type_for(name: str) -> str:
    """Community (社区) for resident committees, rural (农村) otherwise."""
    name = name.strip()
    if name.endswith(_COMMUNITY_SUFFIXES) or name.endswith("社区"):
        return COMMUNITY
    return RURAL


@lru_cache(maxsize=65536)
def pinyin_initials(text: str) -> str:
    """`西辛庄村` → `xxzc`. Non-Chinese characters are kept lower-cased."""
    return "".join(part[:1] for part in lazy_pinyin(text, style=Style.NORMAL, errors="default")).lower()


@lru_cache(maxsize=65536)
def pinyin_full(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.NORMAL)).lower()
