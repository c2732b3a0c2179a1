"""One lowercase copy of a message that the concept rules can always read.

Not here: what the rules look for (`bot.safety.lexicon`, `bot.safety.catalogue`).
"""

from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<[^<>]{0,200}>")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # keeps "\n"
_FORMAT = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")  # zero-width
_APOSTROPHE = re.compile(r"[\u2018\u2019\u201b\u02bc\u00b4`\u2032]")
_SPACE = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")
_REPEAT = re.compile(r"(\w)\1{2,}")  # "bladdder" -> "bladder", "sooooo" -> "soo"


def normalize(message: str) -> str:
    """Lowercase text for matching: no tags, entities, control characters or lone surrogates.

    >>> normalize("I CAN\u2019T <b>pee</b>\\x00 &amp; bladdder\\ud800")
    "i can't pee & bladder"
    """
    text = _SURROGATE.sub(" ", message)
    text = html.unescape(_TAG.sub(" ", text))
    text = unicodedata.normalize("NFKC", text)
    text = _FORMAT.sub("", _CONTROL.sub(" ", text))
    text = _APOSTROPHE.sub("'", text.lower())
    text = _REPEAT.sub(r"\1\1", text)
    return _NEWLINES.sub("\n", _SPACE.sub(" ", text)).strip()
