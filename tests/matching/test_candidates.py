"""Repeat candidates: found by identity, text, respondent and locality, judged by the same-matter judgement into
the same petitioner's same matter (candidates), their other matters, and other people's same matter (joint)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ID_LI, ID_ZHANG
from tests.matching.conftest import register, when
from xinfang.matching.selectors import (
    WEIGHTS,
    Draft,
    DraftPerson,
    candidate_score,
    repeat_candidates,
    time_closeness,
)
from xinfang.matching.services import repeat_link
from xinfang.petitions.models import PetitionStatus
from xinfang.petitions.services import PetitionerInput

WAGES = "本人在青石镇某工地务工，工程结束后建筑公司拖欠工资三个月未付，多次讨要无果。"


def test_weights_add_up_to_one():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


@given(st.floats(0, 1), st.floats(0, 1), st.booleans(), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_score_stays_between_zero_and_one(identity, text, org, locality, category, time):
    score = candidate_score(identity_confidence=identity, text_similarity=text, same_complained_org=org,
                            locality=locality, category=category, time=time)
    assert 0.0 <= score <= 1.0


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 0.5))
def test_more_evidence_never_lowers_the_score(identity, text, more):
    base = dict(same_complained_org=False, locality=0.0, category=0.0, time=0.0)
    score = candidate_score(identity_confidence=identity, text_similarity=text, **base)
    assert candidate_score(identity_confidence=min(identity + more, 1), text_similarity=text, **base) >= score
    assert candidate_score(identity_confidence=identity, text_similarity=min(text + more, 1), **base) >= score


def test_time_closeness_falls_with_distance():
    assert time_closeness(days=10) == 1.0
    assert 0 < time_closeness(days=400) < 1
    assert time_closeness(days=2000) == 0.0


def test_same_id_number_and_similar_text_give_a_candidate_with_reasons(district, category, fake_index):
    earlier = register(district, category, content=WAGES, complained_org_id=district.department.pk)
    draft = Draft(text="反映某建筑公司拖欠农民工工资\n" + WAGES, people=(DraftPerson(id_number=ID_ZHANG),),
                  locality_id=district.township_a.pk, category_id=category.pk,
                  complained_org_id=district.department.pk, received_at=when(4, 1))
    result = repeat_candidates(actor=district.clerk, draft=draft)
    [candidate] = result.candidates
    assert candidate.petition_id == earlier.pk
    assert candidate.reasons[0] == "同一信访人（同一身份证号）"
    assert candidate.reasons[1].startswith("都反映：") and "工资" in candidate.reasons[1]
    assert "同一被反映单位" in candidate.reasons and "同一问题属地" in candidate.reasons
    assert candidate.kind == "repeat" and candidate.score == candidate.matter_score > 0.8
    assert candidate.text_similarity > 0.5  # kept as evidence, no longer the judge


def test_the_same_matter_from_another_person_is_a_joint_candidate_not_a_repeat(district, category, fake_index):
    # Was: "a candidate without identity" in the repeat list. Another person on one matter is 涉众/联名.
    earlier = register(district, category, content=WAGES)
    draft = Draft(text="反映某建筑公司拖欠农民工工资\n" + WAGES, people=(DraftPerson(id_number=ID_LI),),
                  locality_id=district.township_a.pk, received_at=when(3, 10))
    result = repeat_candidates(actor=district.clerk, draft=draft)
    assert result.candidates == [] and result.other_matters == []
    [candidate] = result.joint
    assert candidate.petition_id == earlier.pk and candidate.kind == "joint" and candidate.kind_label == "涉众/联名"
    assert candidate.identity_method == "" and candidate.reasons[0] == "不同信访人"


def test_unrelated_text_from_a_stranger_is_no_candidate(district, category, fake_index):
    register(district, category, content=WAGES)
    draft = Draft(text="建议在白沙镇河堤增设路灯，方便群众夜间出行。", locality_id=district.township_a.pk,
                  category_id=category.pk, received_at=when(3, 3))
    assert repeat_candidates(actor=district.clerk, draft=draft).candidates == []


def test_one_line_per_matter_with_its_size(district, category, fake_index):
    first = register(district, category, content=WAGES, received_at=when(1, 5))
    second = register(district, category, content=WAGES, received_at=when(2, 5))
    repeat_link(actor=district.clerk, petition_id=second.pk, first_petition_id=first.pk, reason="同一事项")
    draft = Draft(text=WAGES, people=(DraftPerson(id_number=ID_ZHANG),), received_at=when(3, 5))
    [candidate] = repeat_candidates(actor=district.clerk, draft=draft).candidates
    assert (candidate.matter_id, candidate.matter_number, candidate.matter_size) == (first.pk, first.number, 2)


def test_a_final_matter_is_flagged_with_the_rule(district, category, fake_index):
    earlier = register(district, category, content=WAGES)
    earlier.__class__.objects.filter(pk=earlier.pk).update(status=PetitionStatus.FINAL)
    draft = Draft(text=WAGES, people=(DraftPerson(id_number=ID_ZHANG),), received_at=when(4, 1))
    [candidate] = repeat_candidates(actor=district.clerk, draft=draft).candidates
    assert candidate.is_final is True
    assert candidate.final_message == "该事项已终结（第三十六条）：不再受理"
    assert "第三十六条第三款" in candidate.final_rule


def test_candidates_are_limited_to_what_the_actor_may_see(district, category, fake_index):
    register(district, category, content=WAGES, locality=district.township_b)
    draft = Draft(text=WAGES, people=(DraftPerson(id_number=ID_ZHANG),), received_at=when(4, 1))
    # the county office sees it; township A does not
    assert len(repeat_candidates(actor=district.clerk, draft=draft).candidates) == 1
    assert repeat_candidates(actor=district.township_a_user, draft=draft).candidates == []


@pytest.mark.parametrize("text", ["", "欠", "。，！？……", "1234567890", "  \n  "])
def test_text_too_short_to_judge_is_not_compared_and_says_so(district, category, fake_index, text):
    register(district, category, content=WAGES)
    result = repeat_candidates(actor=district.clerk, draft=Draft(text=text, received_at=when(4, 1)))
    assert result.candidates == []
    assert result.notes == ["内容过短或只有数字、符号，未比对文本相似度"]


def test_fifty_thousand_characters_are_answered(district, category, fake_index):
    register(district, category, content=WAGES)
    text = WAGES * 1320
    result = repeat_candidates(actor=district.clerk, draft=Draft(text=text, people=(DraftPerson(id_number=ID_ZHANG),),
                                                                 received_at=when(4, 1)))
    assert len(text) > 50000
    [candidate] = result.candidates
    assert candidate.reasons[1].startswith("都反映：")


def test_traditional_characters_find_the_same_person_by_name_and_address(district, category, fake_index):
    earlier = register(district, category, person=PetitionerInput(name="王五", address="清溪区青石镇桃源村3组"))
    draft = Draft(people=(DraftPerson(name="王五", address="清溪區青石鎮桃源村3組"),), received_at=when(4, 1))
    # no text typed yet: nothing can be judged a repeat; the person's petitions are listed apart
    result = repeat_candidates(actor=district.clerk, draft=draft)
    [candidate] = result.other_matters
    assert result.candidates == []
    assert candidate.petition_id == earlier.pk
    assert candidate.reasons[:2] == ("同一信访人（同名且住址相同）", "信访内容未填写，尚未判断是否同一事项")


def test_without_the_text_index_identity_still_finds_candidates(district, category, no_index):
    earlier = register(district, category)
    result = repeat_candidates(actor=district.clerk, draft=Draft(text=WAGES, people=(DraftPerson(id_number=ID_ZHANG),),
                                                                 received_at=when(4, 1)))
    assert [c.petition_id for c in result.candidates] == [earlier.pk]
    assert "文本相似度索引未安装" in result.notes[0]


def test_candidates_take_a_fixed_number_of_queries(district, category, fake_index, django_assert_max_num_queries):
    for month in range(1, 6):
        register(district, category, content=WAGES, received_at=when(month, 3))
    draft = Draft(text=WAGES, people=(DraftPerson(id_number=ID_ZHANG, phone="13812345678", name="张小三",
                                                  address="清溪区青石镇桃源村3组"),),
                  locality_id=district.township_a.pk, category_id=category.pk, received_at=when(6, 1))
    # the fake index itself reads the petitions once
    with django_assert_max_num_queries(17):  # + the respondent and locality indexes and the office's word weights
        result = repeat_candidates(actor=district.clerk, draft=draft)
    assert len(result.candidates) == 5


def test_the_real_text_index_finds_a_near_duplicate_typed_in_traditional_characters(district, category):
    pytest.importorskip("xinfang.similarity.selectors")
    earlier = register(district, category, content=WAGES)
    draft = Draft(text="反映某建築公司拖欠農民工工資。本人在青石鎮某工地務工，工程結束後建築公司拖欠工資三個月未付，多次討要無果。",
                  locality_id=district.township_a.pk, received_at=when(3, 20))
    # no petitioner typed: the same matter is offered as another person's (涉众/联名), not as this one's repeat
    [candidate] = repeat_candidates(actor=district.clerk, draft=draft).joint
    assert candidate.petition_id == earlier.pk
    assert candidate.text_similarity > 0.5
