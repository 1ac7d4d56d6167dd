"""Romanised forms of Chinese place names, for search only (``Haiyan``, ``Haiyan County`` for
海盐县; ``Chengyang District`` for 城阳区).

People outside China, and the English UI, look places up by Hanyu Pinyin. The forms here are
*generated* with pypinyin (the GB/T 16159 spelling, syllables of a name run together, an
apostrophe before a syllable that starts with a, o or e: Chang'an) and the usual English word
for the administrative suffix. They are put into the search index, never into the data: they
are not official English names, and a polyphonic character may be read wrongly.
"""

from __future__ import annotations

from pypinyin import lazy_pinyin

# Longest first: 自治县 before 县.
_SUFFIXES = (
    ("特别行政区", "Special Administrative Region"), ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"), ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"), ("林区", "Forestry District"), ("新区", "New Area"),
    ("地区", "Prefecture"), ("省", "Province"), ("市", "City"), ("县", "County"),
    ("区", "District"), ("旗", "Banner"), ("盟", "League"),
)


def _pinyin(text: str) -> str:
    syllables = lazy_pinyin(text)
    out = syllables[0] if syllables else ""
    for syllable in syllables[1:]:
        out += ("'" if syllable[:1] in ("a", "o", "e") else "") + syllable
    return out.capitalize()


def romanised_names(name: str) -> list[str]:
    """Search forms of a Chinese place name: the base in pinyin (with and without
    apostrophes), with the English suffix word, and the whole name in pinyin."""
    if not name or not any("\u4e00" <= ch <= "\u9fff" for ch in name):
        return []
    base, word = name, ""
    for suffix, english in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base, word = name[: -len(suffix)], english
            break
    spelled = _pinyin(base)
    forms = [spelled, spelled.replace("'", "")]
    if word:
        forms += [f"{spelled} {word}", f"{spelled.replace(chr(39), '')} {word}"]
    forms.append(_pinyin(name).replace("'", ""))
    return list(dict.fromkeys(forms))
