"""Stored facts (matching.stored): written at registration and on a text change, equal to the facts read live,
used by the candidate stage without reading the candidates' texts, and never needed for a right judgement."""

import pytest
from django.db import connection

from tests.conftest import ID_LI, ID_ZHANG
from tests.matching.conftest import register, when
from tests.matching.test_judgement_candidates import SEEDS, SEEDS_RETOLD, WAGES, WAGES_RETOLD
from xinfang.matching import selectors, stored
from xinfang.matching.facts import FACTS_VERSION, facts_of
from xinfang.matching.judgement import word_stats_of
from xinfang.matching.models import MatterFacts
from xinfang.matching.selectors import Draft, DraftPerson, repeat_candidates
from xinfang.matching.text import petition_text
from xinfang.petitions import crypto
from xinfang.petitions.models import Petition, PetitionType
from xinfang.petitions.services import PetitionerInput

pytestmark = pytest.mark.django_db


def live(petition: Petition):
    petition.refresh_from_db()
    return facts_of(petition_text(petition), stored.year_of(petition.received_at))


def stored_facts(petition: Petition):
    row = MatterFacts.objects.get(petition=petition)
    assert row.version == FACTS_VERSION and row.year == stored.year_of(petition.received_at)
    return stored.decode(row.data)


def test_registration_stores_the_facts_the_judgement_would_read(district, category, no_index):
    petition = register(district, category, received_at=when(5, 10, 2025), **SEEDS)
    facts = stored_facts(petition)
    assert facts == live(petition)
    assert "鸿运农资店" in facts.names and 12000 in facts.amounts and "2025-04" in facts.months


def test_a_corrected_text_rewrites_the_facts_and_other_saves_do_not(district, category, no_index):
    petition = register(district, category, received_at=when(5, 10, 2025), **SEEDS)
    petition.content = WAGES["content"]
    petition.save()
    assert stored_facts(petition) == live(petition)
    assert "宏达建筑劳务有限公司" in stored_facts(petition).names
    MatterFacts.objects.filter(petition=petition).update(version=0)
    petition.save(update_fields=["updated_at"])  # a workflow save: no text in it, the row is left alone
    assert MatterFacts.objects.get(petition=petition).version == 0
    petition.save(update_fields=["summary", "updated_at"])
    assert MatterFacts.objects.get(petition=petition).version == FACTS_VERSION


def test_an_accusations_facts_are_sealed_like_its_text(district, category, no_index):
    accusation = register(district, category, petition_type=PetitionType.ACCUSATION,
                          complained_org_id=district.township_a.pk, **WAGES)
    grievance = register(district, category, person=PetitionerInput(name="李四", id_number=ID_LI), **SEEDS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT petition_id, data FROM matching_matterfacts")
        raw = dict(cursor.fetchall())
    assert crypto.is_sealed_text(raw[accusation.pk]) and "宏达" not in raw[accusation.pk]
    assert not crypto.is_sealed_text(raw[grievance.pk]) and "鸿运" in raw[grievance.pk]
    assert stored_facts(accusation) == live(accusation)


@pytest.fixture
def history(district, category, fake_index):
    zhang = PetitionerInput(name="张小三", id_number=ID_ZHANG)
    register(district, category, person=zhang, received_at=when(5, 10, 2025), **SEEDS)
    register(district, category, person=zhang, received_at=when(11, 20, 2025), **WAGES)
    register(district, category, person=PetitionerInput(name="李四", id_number=ID_LI),
             received_at=when(12, 1, 2025), **WAGES)


def judged(district, text: str) -> list[tuple]:
    draft = Draft(text=text, people=(DraftPerson(id_number=ID_ZHANG),), received_at=when(2, 1, 2026),
                  locality_id=district.township_a.pk)
    result = repeat_candidates(actor=district.clerk, draft=draft)
    return [(c.kind, c.petition_id, c.matter_score, c.reasons)
            for name in ("candidates", "other_matters", "joint") for c in getattr(result, name)]


@pytest.mark.parametrize("text", [SEEDS_RETOLD, WAGES_RETOLD])
def test_candidates_judged_from_stored_facts_match_those_judged_from_the_texts(district, history, monkeypatch,
                                                                              text):
    def no_live_read(*args, **kwargs):
        raise AssertionError("a candidate's text was read although its facts are stored")

    with monkeypatch.context() as patch:
        patch.setattr(stored, "facts_of", no_live_read)
        from_stored = judged(district, text)
    assert from_stored and {kind for kind, *_ in from_stored} & {"repeat", "joint"}
    MatterFacts.objects.all().delete()  # old data: no stored facts at all
    assert judged(district, text) == from_stored


def test_a_row_of_another_extractor_version_or_year_is_not_used(district, history):
    expected = judged(district, SEEDS_RETOLD)
    MatterFacts.objects.update(version=FACTS_VERSION + 1, data='{"w": {}}')  # would fail to decode if read
    assert judged(district, SEEDS_RETOLD) == expected
    MatterFacts.objects.update(version=FACTS_VERSION, year=1999)
    assert judged(district, SEEDS_RETOLD) == expected


def test_the_rebuild_writes_what_registration_writes(district, history):
    before = dict(MatterFacts.objects.values_list("petition_id", "data"))
    MatterFacts.objects.filter(pk=min(before)).delete()
    MatterFacts.objects.filter(pk=max(before)).update(version=0)
    assert stored.facts_rebuild(missing_only=True) == 2
    assert dict(MatterFacts.objects.values_list("petition_id", "data")) == before
    MatterFacts.objects.all().delete()
    assert stored.facts_rebuild(workers=2, batch_size=2) == 3
    assert dict(MatterFacts.objects.values_list("petition_id", "data")) == before


def test_the_office_word_weights_from_stored_facts_equal_those_from_the_texts(district, history):
    selectors._word_stats.clear()
    from_rows = selectors.office_word_stats()
    texts = [petition_text(p) for p in Petition.objects.order_by("-id")]
    assert from_rows == word_stats_of(texts) and from_rows.documents == 3
