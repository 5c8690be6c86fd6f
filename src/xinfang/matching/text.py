"""The one place matching talks to the text similarity index (app `xinfang.similarity`).

Imported lazily: matching keeps working on identity, locality and time when the index is not installed,
and says so instead of pretending that texts were compared.
"""

import importlib
import re
import unicodedata
from dataclasses import dataclass
from types import ModuleType

from xinfang.petitions.models import Petition

# Fewer letters than this (digits and punctuation not counted) says nothing about the matter.
MIN_LETTERS = 4
# Longer drafts are cut before querying: the first part of a letter carries its matter, and a 50,000-
# character paste must not make every keystroke of the registration page slow.
MAX_QUERY_CHARS = 5000


def _services() -> ModuleType | None:
    """The index's read interface: `similar_petitions` (and `petition_text`, `similarity_between`)."""
    for name in ("xinfang.similarity.selectors", "xinfang.similarity.services"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "similar_petitions"):
            return module
    return None


def index_available() -> bool:
    return _services() is not None


def _letters(text: str) -> int:
    folded = unicodedata.normalize("NFKC", text)
    return sum(1 for ch in folded if unicodedata.category(ch)[0] == "L")


def text_judgeable(text: str) -> bool:
    """Enough letters for the same-matter judgement to read (the same rule as the index's)."""
    return _letters(re.sub(r"\s+", " ", text or "").strip()) >= MIN_LETTERS


@dataclass(frozen=True)
class TextMatches:
    """Similar petitions by id, or why there are none (`note` is shown to the clerk)."""

    similarity: dict[int, float]
    compared: bool
    note: str = ""


def similar_to(*, text: str, limit: int = 30, exclude_id: int | None = None,
               min_similarity: float = 0.3) -> TextMatches:
    """Petitions whose text is near `text`; never a match for text too short to judge."""
    text = re.sub(r"\s+", " ", text or "").strip()[:MAX_QUERY_CHARS]
    if _letters(text) < MIN_LETTERS:
        return TextMatches({}, compared=False, note="内容过短或只有数字、符号，未比对文本相似度")
    services = _services()
    if services is None:
        return TextMatches({}, compared=False, note="文本相似度索引未安装，仅按身份、属地和时间比对")
    matches = services.similar_petitions(text=text, limit=limit, exclude_id=exclude_id,
                                         min_similarity=min_similarity)
    return TextMatches({match.petition_id: float(match.similarity) for match in matches}, compared=True)


def similarity_of(*, text: str, petition_ids: list[int]) -> dict[int, float]:
    """Similarity of `text` to petitions found otherwise (the same person): {} when the index cannot say."""
    text = re.sub(r"\s+", " ", text or "").strip()[:MAX_QUERY_CHARS]
    services = _services()
    if not petition_ids or _letters(text) < MIN_LETTERS or services is None:
        return {}
    if not hasattr(services, "similarity_between"):
        return {}
    return {int(pk): float(value) for pk, value in
            services.similarity_between(text=text, petition_ids=list(petition_ids)).items()}


def recommended_min_similarity() -> float:
    """The index's advice for a score that also weighs identity and place (0.3 when it gives none)."""
    services = _services()
    return float(getattr(services, "RECOMMENDED_MIN_SIMILARITY", 0.3)) if services is not None else 0.3


def petition_text(petition: Petition) -> str:
    """The text the index compares for a petition (the index's own definition when it is installed)."""
    services = _services()
    if services is not None and hasattr(services, "petition_text"):
        return services.petition_text(petition)
    return "\n".join(part for part in (petition.summary, petition.content, petition.demands) if part)
