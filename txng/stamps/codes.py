"""Stamp codes: 70 random bits in Crockford base32 plus one mod-37 check character.

A code is 14 data characters and 1 check character (15 in all), e.g. ``7ZK3M0QX4TB9PRE``.
Codes are random, never sequential, so a code cannot be guessed from a neighbour's.
The check character follows Crockford's scheme: the data read as a base-32 number,
modulo 37, written with the 32 data symbols plus ``*~$=U``. Mod 37 (a prime larger
than the alphabet) catches every single-character substitution and every adjacent
transposition.

People type codes on a phone. Four of the check symbols (``*~$=``) are hard to find on a phone
keyboard and ``U`` looks like ``V``, so a code whose check character is one of those five may be
typed without it (``complete``): 14 data characters then stand for the whole code.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"
DATA_LENGTH = 14
CODE_LENGTH = DATA_LENGTH + 1
RANDOM_BITS = 5 * DATA_LENGTH
GROUP_SIZE = 5

SYMBOL_CHECKS = "*~$=U"

_VALUE = {ch: i for i, ch in enumerate(CHECK_ALPHABET)}
_DATA_SET = frozenset(ALPHABET)
_CHECK_SET = frozenset(CHECK_ALPHABET)
# Crockford's decoding rules: letters people confuse with digits read as those digits.
_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """Return a fresh random code with its check character."""
    value = secrets.randbits(RANDOM_BITS)
    chars = []
    for _ in range(DATA_LENGTH):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    body = "".join(reversed(chars))
    return body + check_char(body)


def check_char(body: str) -> str:
    """Return the Crockford mod-37 check character for a data string."""
    remainder = 0
    for ch in body:
        value = _VALUE.get(ch)
        if value is None or value >= 32:
            raise ValueError(f"not a Crockford data character: {ch!r}")
        remainder = (remainder * 32 + value) % 37
    return CHECK_ALPHABET[remainder]


def normalise(typed: str) -> str:
    """Canonical form of a code as typed: no spaces or hyphens, upper case, O/I/L as 0/1."""
    compact = "".join(typed.split()).replace("-", "")
    return compact.upper().translate(_CONFUSABLES)


def is_well_formed(code: str) -> bool:
    """True when ``code`` has the right length and alphabet (canonical form only)."""
    return (
        len(code) == CODE_LENGTH
        and all(ch in _DATA_SET for ch in code[:-1])
        and code[-1] in _CHECK_SET
    )


def verify(code: str) -> bool:
    """True when ``code`` is well formed and its check character is right.

    Strict: pass ``normalise(typed)`` for anything a person typed.
    """
    return is_well_formed(code) and check_char(code[:-1]) == code[-1]


def format_for_humans(code: str) -> str:
    """Hyphenated groups of five for printing, e.g. ``7ZK3M-0QX4T-B9PRE``."""
    return "-".join(code[i : i + GROUP_SIZE] for i in range(0, len(code), GROUP_SIZE))


def complete(code: str) -> str:
    """``code`` with its check character added back when it was typed without one of the
    symbol check characters (canonical form in, canonical form out)."""
    if len(code) == DATA_LENGTH and all(ch in _DATA_SET for ch in code):
        check = check_char(code)
        if check in SYMBOL_CHECKS:
            return code + check
    return code


def problem(code: str) -> str | None:
    """What is wrong with a canonical ``code``, most telling first: ``"characters"`` (a symbol
    that is never on a stamp), ``"short"``, ``"long"`` or ``"check"`` (a typo: the check
    character does not match). None for a code that may be real."""
    if any(ch not in _CHECK_SET for ch in code) or any(ch not in _DATA_SET for ch in code[:-1]):
        return "characters"
    if len(code) < CODE_LENGTH:
        return "short"
    if len(code) > CODE_LENGTH:
        return "long"
    return None if verify(code) else "check"
