"""The same-matter judgement on each kind of pair, written apart by hand (no database): the answer, its score
against the default levels, and its reasons in words."""

from datetime import datetime

import pytest

from xinfang.matching import judgement
from xinfang.matching.judgement import Context, judge, word_stats_of

Y2024, Y2025 = datetime(2024, 6, 3), datetime(2025, 2, 10)

SEEDS_FIRST = ("来电人张建国反映：2024年4月从鸿运农资店购买玉米种子，种了8亩，大部分不发芽，店主李某不认账，"
               "减产损失约1.2万元，希望督促店家赔偿。")
# The same matter told again, months later, by letter, in other words: few characters in common.
SEEDS_AGAIN = ("尊敬的领导：我是青石镇石桥村村民张建国。去年四月在镇上的鸿运农资店买的种子是假的，八亩玉米苗出不来，"
               "损失一万二千元左右。要求鸿运农资店赔偿减产损失。")
# Same village, same opening, same kind of matter: another shop, crop, year and sum.
SEEDS_OTHER = ("尊敬的领导：我是青石镇石桥村村民李桂兰。2023年5月在丰收农资店买的水稻种子不发芽，5亩田绝收，"
               "损失6000元。要求丰收农资店赔偿。")
WAGES_ZHANG = ("张建国来访称：宏达建筑劳务有限公司在锦绣花园二期工地拖欠其工资3.5万元，包工头王某一直推脱。"
               "要求支付拖欠工资。")
WAGES_LIU = ("来访人刘德明称：2025年6月起在宏达建筑劳务有限公司承建的锦绣花园二期做木工，干了5个月，公司拖欠工资2.8万元。"
             "要求宏达公司支付工资。")
WAGES_WANG = ("王志强来电：宏达劳务在锦绣花园二期工地欠我们农民工工资，我被欠4万元，2025年6月进场，找包工头王某好几次"
              "都没结。请帮忙把血汗钱要回来。")


def test_a_repeat_retold_in_other_words_is_the_same_matter_with_reasons_in_words():
    verdict = judge(SEEDS_AGAIN, SEEDS_FIRST, same_person=True, person_reason="同一身份证号",
                    received_a=Y2025, received_b=Y2024)
    assert verdict.kind == judgement.REPEAT and verdict.label == "重复信访"
    assert verdict.matter_score >= judgement.SAME_MATTER_LEVEL and verdict.same_matter
    assert verdict.reasons[0] == "同一信访人（同一身份证号）"
    assert verdict.reasons[1].startswith("都反映：鸿运农资店 ")
    assert "2024年4月" in verdict.reasons[1] and "1.2万元" in verdict.reasons[1] and "玉米" in verdict.reasons[1]
    assert verdict.reasons[2] == "诉求：鸿运农资店赔偿减产损失"
    # the trigram overlap alone would never have said so
    assert verdict.features["trigram"] < 0.15


def test_without_the_year_of_receipt_last_april_is_no_date():
    verdict = judge(SEEDS_AGAIN, SEEDS_FIRST, same_person=True)
    assert "2024年4月" not in verdict.reason_text and verdict.features["month_same"] == 0.0


def test_a_look_alike_from_the_same_village_is_not_the_same_matter():
    verdict = judge(SEEDS_OTHER, SEEDS_FIRST, same_person=False, received_a=Y2025, received_b=Y2024)
    assert verdict.kind == judgement.UNRELATED and not verdict.same_matter
    assert verdict.matter_score < judgement.SAME_MATTER_LEVEL
    assert "涉及对象不同（丰收农资店／鸿运农资店）" in verdict.reasons
    assert "金额不同（6000元／1.2万元）" in verdict.reasons


def test_the_same_person_with_another_matter_is_listed_apart_not_as_a_repeat():
    verdict = judge(WAGES_ZHANG, SEEDS_FIRST, same_person=True, person_reason="同一联系电话",
                    received_a=Y2025, received_b=Y2024)
    assert verdict.kind == judgement.OTHER_MATTER and verdict.label == "此人其他信访事项"
    assert verdict.reasons[0] == "同一信访人（同一联系电话）"
    assert verdict.reasons[1].startswith("反映内容不同（") and "拖欠工资" in verdict.reasons[1]


def test_the_same_person_with_the_same_kind_of_matter_against_another_shop_is_another_matter():
    verdict = judge(SEEDS_OTHER, SEEDS_FIRST, same_person=True, received_a=Y2025, received_b=Y2024)
    assert verdict.kind == judgement.OTHER_MATTER


def test_different_people_on_one_matter_are_a_joint_candidate():
    # As registration judges them: both filed under wages, against the same organ (each worker's own sum differs).
    same = Context(same_respondent=True, same_category=True)
    verdict = judge(WAGES_WANG, WAGES_LIU, same_person=False, received_a=Y2025, received_b=Y2025, context=same)
    assert verdict.kind == judgement.JOINT and verdict.label == "涉众/联名"
    assert verdict.matter_score >= judgement.JOINT_LEVEL
    assert verdict.reasons[0] == "不同信访人"
    assert verdict.reasons[1] == "都反映：锦绣花园 农民工工资 2025年6月"


def test_category_and_respondent_are_evidence_never_the_decision():
    same = Context(same_respondent=True, same_category=True)
    verdict = judge(SEEDS_OTHER, WAGES_ZHANG, same_person=True, context=same)
    assert verdict.kind == judgement.OTHER_MATTER
    plain = judge(SEEDS_AGAIN, SEEDS_FIRST, same_person=True, received_a=Y2025, received_b=Y2024)
    helped = judge(SEEDS_AGAIN, SEEDS_FIRST, same_person=True, received_a=Y2025, received_b=Y2024, context=same)
    assert helped.matter_score > plain.matter_score and "同一被反映单位" in helped.reasons


def test_boilerplate_of_the_office_weighs_nothing():
    texts = [f"尊敬的领导：我是石桥村村民，反映第{i}号问题，邻居家漏水。" for i in range(40)] + \
        [f"石桥村的路灯坏了第{i}天" for i in range(60)]
    stats = word_stats_of(texts)
    assert stats.documents == 100
    assert stats.weight("石桥") == 0.0  # in every one of the office's petitions
    assert stats.weight("路灯") == 0.0  # in 60 %
    assert stats.weight("issue:房屋质量") == 0.0  # 漏水 (a vocabulary word) in 40 %: the office's common matter
    assert stats.weight("鸿运") > 5  # never seen: rare, weighs most


def test_a_few_petitions_do_not_make_every_word_rare_or_common():
    stats = word_stats_of(["公司拖欠工资", "公司拖欠工资"])
    assert stats.weight("公司") > 0  # two petitions say nothing of what is boilerplate


@pytest.mark.parametrize("level", [0.05, 0.95])
def test_the_level_decides_and_the_score_does_not_move(level):
    verdict = judge(SEEDS_AGAIN, SEEDS_FIRST, same_person=True, received_a=Y2025, received_b=Y2024, level=level)
    default = judge(SEEDS_AGAIN, SEEDS_FIRST, same_person=True, received_a=Y2025, received_b=Y2024)
    assert verdict.matter_score == default.matter_score
    assert verdict.same_matter == (verdict.matter_score >= level)


def test_texts_that_share_nothing_are_never_one_matter_on_category_and_respondent_alone():
    # The same person, category and respondent give a score above the level, but the two texts share no word
    # and no fact: 此人其他信访事项, not a repeat.
    same = Context(same_respondent=True, same_category=True)
    verdict = judge("楼上住户半夜装修，电钻声吵得孩子睡不着。", "去年买的电动车电池鼓包，店里不给换。",
                    same_person=True, context=same)
    assert verdict.matter_score >= judgement.SAME_MATTER_LEVEL
    assert verdict.kind == judgement.OTHER_MATTER and not verdict.same_matter


def test_a_repeat_without_a_shared_fact_names_the_words_both_use():
    a = "来电人称他家大湾山上的杉树被人砍了四十多棵拉去卖了，要求派出所立案。"
    b = "来访人称其家自留山大湾上的杉树四十余棵被邻组村民砍伐运走出售，要求查处。"
    verdict = judge(a, b, same_person=True, context=Context(same_respondent=True, same_category=True))
    assert verdict.kind == judgement.REPEAT
    [said] = [reason for reason in verdict.reasons if reason.startswith(("都反映：", "用词相同："))]
    assert said.startswith("用词相同：") and "大湾" in said and "杉树" in said


def test_an_approximate_sum_is_the_same_sum_as_the_exact_one():
    # 两万八千多 (28000–29000) told on the phone, 28600元 in the letter: one sum, said twice.
    verdict = judge("来电人王德贵说去年在安置小区工地扎钢筋，工钱两万八千多到现在没给，包工头刘强不接电话。",
                    "王德贵来信：2025年在安置小区工地做钢筋工，包工头刘强欠我工资28600元，要求支付。",
                    same_person=True, received_a=Y2025, received_b=Y2025)
    assert verdict.features["amount_same"] == 1.0 and verdict.features["amount_conflict"] == 0.0
    assert verdict.kind == judgement.REPEAT and "约2.8万元" in verdict.reason_text


def test_one_persons_two_complaints_of_one_category_that_share_no_words_are_two_matters():
    # Same person, same category and respondent (a consumer complaint to 市场监管局), nothing else in common.
    verdict = judge("空调安装师傅多收了五百块材料费，说是铜管加长，发票也不给开。",
                    "买的电动三轮车电池用了三个月就鼓包，店家说人为损坏不给换。",
                    same_person=True, context=judgement.Context(same_respondent=True, same_category=True))
    assert verdict.features["words_conflict"] == 1.0
    assert verdict.kind == judgement.OTHER_MATTER
