"""Accent-insensitive text for search: "Cà phê Đà Lạt" and "ca phe da lat" normalise alike."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise(text):
    """Lower case, Vietnamese diacritics removed (đ → d), punctuation to spaces."""
    if not text:
        return ""
    text = str(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = "".join(c if c.isalnum() else " " for c in plain.lower())
    return _SPACES.sub(" ", plain).strip()
