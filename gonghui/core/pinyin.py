"""Pinyin search keys for Chinese names (张三 -> "zhangsan", "zs")."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, non-Chinese characters kept as they are."""
    text = (text or "").strip()
    full = "".join(lazy_pinyin(text, errors="default")).lower().replace(" ", "")
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default"))
    return full[:400], initials.lower().replace(" ", "")[:100]
