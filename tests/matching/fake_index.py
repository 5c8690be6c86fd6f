"""A stand-in for the similarity index with its interface (character bigram Jaccard over every petition).

Matching is tested against the interface, not against the other app's tuning; one test uses the real index.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from xinfang.petitions.models import Petition


@dataclass(frozen=True)
class SimilarMatch:
    petition_id: int
    similarity: float


def _bigrams(text: str) -> set[str]:
    chars = [ch for ch in text if ch.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def petition_text(petition) -> str:
    return "\n".join(part for part in (petition.summary, petition.content, petition.demands) if part)


def similar_petitions(*, text, limit=20, exclude_id=None, min_similarity=0.3):
    query = _bigrams(text)
    if not query:
        return []
    matches = []
    for petition in Petition.objects.exclude(pk=exclude_id).only("summary", "content", "demands"):
        other = _bigrams(petition_text(petition))
        similarity = len(query & other) / len(query | other) if other else 0.0
        if similarity >= min_similarity:
            matches.append(SimilarMatch(petition.pk, round(similarity, 3)))
    matches.sort(key=lambda m: (-m.similarity, m.petition_id))
    return matches[:limit]


def module() -> SimpleNamespace:
    return SimpleNamespace(similar_petitions=similar_petitions, petition_text=petition_text)
