"""What is compared: a petition's text, normalised so that form does not hide sameness.

Pure functions, no database: traditional characters become simplified (OpenCC t2s), full-width forms
fold to ASCII (NFKC), letters are lower-cased, and everything that is not a letter or a digit
(punctuation, symbols, spaces, control characters) is dropped, so 「拖欠工资，三个月」 and
"拖欠工資 三個月" compare equal. Digits are kept: an amount or a date often tells two matters apart.
"""

import re
import unicodedata
from functools import cache

import opencc

# Text under this many letters (digits not counted) is too short to judge: similar_petitions answers [].
MIN_LETTERS = 4

# Python's \w is "alphanumeric in Unicode" (letters and numbers of any script) plus "_", which goes too.
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


@cache
def _t2s() -> opencc.OpenCC:
    # Built once per process: loading the dictionaries costs milliseconds, converting microseconds.
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """NFKC-folded, simplified text, punctuation kept (what the same-matter judgement reads)."""
    return _t2s().convert(unicodedata.normalize("NFKC", text)) if text else ""


def normalize_text(text: str) -> str:
    """Simplified, NFKC-folded, lower-case text with only letters and digits left."""
    if not text:
        return ""
    # NFKC first: it folds full-width letters and compatibility ideographs that OpenCC would not know.
    folded = unicodedata.normalize("NFKC", text)
    simplified = _t2s().convert(folded)
    # Letters and numbers carry meaning; punctuation, symbols, separators and controls do not.
    return _NOT_LETTER_OR_DIGIT.sub("", simplified.lower())


def letter_count(normalized: str) -> int:
    """How many letters (not digits) a normalised text has: only digits says nothing about the matter."""
    return sum(1 for ch in normalized if not ch.isdigit() and unicodedata.category(ch)[0] == "L")


def is_judgeable(normalized: str) -> bool:
    """Enough letters to compare at all; shorter text gets no answer rather than a confident wrong one."""
    return letter_count(normalized) >= MIN_LETTERS


def petition_text(petition) -> str:
    """The text of a petition that is compared: summary, content and demands, in that order."""
    return "\n".join(part for part in (petition.summary, petition.content, petition.demands) if part)
