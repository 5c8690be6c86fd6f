"""The judgement where the clerk meets it: the candidate lists, the registration hint, the API, Art 30, clusters."""

import pytest
from django.urls import reverse

from tests.conftest import ID_LI, ID_WANG, ID_ZHANG, ID_ZHAO
from tests.matching.conftest import register, when
from xinfang.api.services import api_token_create
from xinfang.matching.models import MassCluster
from xinfang.matching.selectors import Draft, DraftPerson, repeat_candidates
from xinfang.petitions.models import PetitionType
from xinfang.petitions.services import PetitionerInput

SEEDS = dict(summary="反映鸿运农资店出售假玉米种子",
             content="2025年4月我从鸿运农资店购买玉米种子，种了8亩，大部分不发芽，店主李某不认账，减产损失约1.2万元。",
             demands="希望督促店家赔偿。")
# The same matter, typed months later from a call: other words, the same shop, month, acreage and sum.
SEEDS_RETOLD = ("来电称去年四月在镇上的鸿运农资店买的种子是假的，八亩玉米苗出不来，损失一万二千元左右。"
                "要求鸿运农资店赔偿减产损失。")
WAGES = dict(summary="反映宏达公司拖欠工资",
             content="本人2025年6月起在宏达建筑劳务有限公司承建的锦绣花园二期做木工，干了5个月，公司拖欠工资2.8万元。",
             demands="要求宏达公司支付工资。")
WAGES_RETOLD = ("宏达建筑劳务有限公司在锦绣花园二期工地欠我们农民工工资，我被欠4万元，2025年6月进场干木工，"
                "找包工头好几次都没结。请帮忙把血汗钱要回来。")


def zhang(**extra):
    return PetitionerInput(name="张小三", id_number=ID_ZHANG, **extra)


@pytest.fixture
def history(district, category, fake_index):
    """张小三: a seeds matter, then a wages matter; 李四 writes about the same wages."""
    seeds = register(district, category, person=zhang(), received_at=when(5, 10, 2025), **SEEDS)
    wages = register(district, category, person=zhang(), received_at=when(11, 20, 2025), **WAGES)
    neighbour = register(district, category, person=PetitionerInput(name="李四", id_number=ID_LI),
                         received_at=when(12, 1, 2025), **WAGES)
    return seeds, wages, neighbour


def test_a_retold_repeat_is_offered_and_the_persons_other_matter_is_listed_apart(district, history):
    seeds, wages, neighbour = history
    draft = Draft(text=SEEDS_RETOLD, people=(DraftPerson(id_number=ID_ZHANG),), received_at=when(2, 1, 2026),
                  locality_id=district.township_a.pk)
    result = repeat_candidates(actor=district.clerk, draft=draft)
    [repeat] = result.candidates
    assert repeat.petition_id == seeds.pk and repeat.kind == "repeat"
    assert repeat.reasons[0] == "同一信访人（同一身份证号）"
    assert repeat.reasons[1].startswith("都反映：") and "鸿运农资店" in repeat.reasons[1]
    assert "2025年4月" in repeat.reasons[1] and "1.2万元" in repeat.reasons[1]
    assert "诉求：鸿运农资店赔偿减产损失" in repeat.reasons
    [other] = result.other_matters
    assert other.petition_id == wages.pk and other.kind_label == "此人其他信访事项"
    assert other.reasons[0] == "同一信访人（同一身份证号）" and other.reasons[1].startswith("反映内容不同")
    assert neighbour.pk not in {c.petition_id for c in result.joint}  # 李四's wages are not this matter


def test_another_person_on_the_same_matter_is_a_joint_candidate(district, history):
    seeds, wages, neighbour = history
    draft = Draft(text=WAGES_RETOLD, people=(DraftPerson(id_number=ID_WANG, name="王五"),),
                  received_at=when(2, 1, 2026), locality_id=district.township_a.pk)
    result = repeat_candidates(actor=district.clerk, draft=draft)
    assert result.candidates == [] and result.other_matters == []
    assert {c.petition_id for c in result.joint} == {wages.pk, neighbour.pk}
    assert all(c.reasons[0] == "不同信访人" and "锦绣花园" in c.reasons[1] for c in result.joint)


def test_a_same_id_alone_makes_no_repeat(district, history):
    # Was: a matching ID number alone scored 0.40 and offered every earlier matter of the person as a repeat.
    draft = Draft(text="反映村里低保评定不公，我家2025年被取消低保，要求恢复。", people=(DraftPerson(id_number=ID_ZHANG),),
                  received_at=when(2, 1, 2026))
    result = repeat_candidates(actor=district.clerk, draft=draft)
    assert result.candidates == []
    assert len(result.other_matters) == 2


def test_an_accusation_is_in_no_list_of_the_accused_unit(district, category, fake_index, actors):
    secret = register(district, category, person=zhang(), petition_type=PetitionType.ACCUSATION,
                      complained_org_id=district.township_a.pk, received_at=when(5, 10, 2025), **SEEDS)
    draft = Draft(text=SEEDS_RETOLD, people=(DraftPerson(id_number=ID_ZHANG),), received_at=when(2, 1, 2026),
                  locality_id=district.township_a.pk)
    for actor in (actors.head, district.township_a_user):
        result = repeat_candidates(actor=actor, draft=draft)
        shown = [c for name in ("candidates", "other_matters", "joint") for c in getattr(result, name)]
        assert secret.pk not in {c.petition_id for c in shown} | {c.matter_id for c in shown}
    assert [c.petition_id for c in repeat_candidates(actor=district.clerk, draft=draft).candidates] == [secret.pk]


def test_the_registration_hint_shows_the_judgement_and_its_reasons(client, district, history):
    seeds, wages, _ = history
    client.force_login(district.clerk)
    body = client.post(reverse("matching:candidates"), {
        "content": SEEDS_RETOLD, "petitioners-0-id_number": ID_ZHANG, "received_at": "2026-02-01T09:30",
        "idempotency_key": "form-7"}).content.decode()
    assert "可能的重复信访（1）" in body and seeds.number in body
    assert "都反映：鸿运农资店" in body and "同一事项的可能性" in body
    assert "此人其他信访事项（1）" in body and wages.number in body and "不作重复信访" in body
    assert body.count("确认为重复信访") == 2  # the clerk may still link the other matter: theirs is the decision


def test_the_api_returns_the_three_lists(client, district, history):
    seeds, wages, neighbour = history
    token = api_token_create(user=district.clerk)
    response = client.post("/api/v1/matching/candidates", {"text": SEEDS_RETOLD, "people": [{"id_number": ID_ZHANG}],
                                                           "received_at": "2026-02-01T09:30:00+08:00"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    assert [(c["petition_id"], c["kind"], c["kind_label"]) for c in body["candidates"]] == [(seeds.pk, "repeat", "重复信访")]
    assert body["candidates"][0]["matter_score"] >= 0.54
    assert [(c["petition_id"], c["kind"]) for c in body["other_matters"]] == [(wages.pk, "other_matter")]
    assert body["joint"] == []


def test_a_mass_matter_gathers_people_telling_one_matter_in_their_own_words(district, category, fake_index):
    people = [("张小三", ID_ZHANG), ("李四", ID_LI), ("王五", ID_WANG)]
    texts = [WAGES["content"], WAGES_RETOLD,
             "来访人称在锦绣花园二期工地给宏达建筑劳务有限公司干木工，2025年6月进场，工钱3万元至今未结。"]
    for day, ((name, id_number), text) in enumerate(zip(people, texts, strict=True), start=1):
        register(district, category, person=PetitionerInput(name=name, id_number=id_number), summary="反映拖欠工资",
                 content=text, demands="", received_at=when(12, day, 2025))
    cluster = MassCluster.objects.get()
    assert (cluster.petition_count, cluster.petitioner_count) == (3, 3)


def test_look_alikes_of_one_village_make_no_mass_matter(district, category, fake_index):
    texts = ["尊敬的领导：我是青石镇桃源村村民，2025年3月在丰收农资店买的水稻种子不发芽，5亩田绝收，损失6000元。",
             "尊敬的领导：我是青石镇桃源村村民，2024年5月在鸿运农资店买的玉米种子出苗率低，10亩地减产，损失2万元。",
             "尊敬的领导：我是青石镇桃源村村民，2025年8月在金穗农资店买的化肥是假的，3亩辣椒死苗，损失4500元。"]
    for day, ((name, id_number), text) in enumerate(zip([("张小三", ID_ZHANG), ("李四", ID_LI), ("赵六", ID_ZHAO)],
                                                        texts, strict=True), start=1):
        register(district, category, person=PetitionerInput(name=name, id_number=id_number), summary="反映假农资",
                 content=text, demands="要求赔偿。", received_at=when(9, day, 2025))
    assert not MassCluster.objects.exists()


def test_the_case_page_lists_the_persons_other_matters_apart(client, district, history):
    seeds, wages, _ = history
    client.force_login(district.clerk)
    body = client.get(reverse("matching:petition-section", args=[wages.pk])).content.decode()
    other = body.split("此人其他信访事项", 1)[1]
    assert seeds.number in other and "反映内容不同" in other
    assert "可能的重复信访" not in body.split("此人其他信访事项", 1)[0]
