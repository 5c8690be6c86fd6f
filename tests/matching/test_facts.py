"""The fact extractors of the same-matter judgement, each on hand-written text (no database)."""

import pytest

from xinfang.matching.facts import (
    amount_ranges_of,
    amounts_of,
    areas_of,
    chinese_number,
    demand_phrase,
    facts_of,
    fixed_years_of,
    name_core,
    names_match,
    parse_vocabulary,
    people_of,
    times_of,
)


@pytest.mark.parametrize(("text", "value"), [("三万二千", 32000), ("十二", 12), ("两千", 2000), ("二〇二四", 2024),
                                             ("一百零五", 105), ("七十一万六千", 716000),
                                             ("四万八", 48000), ("三千五", 3500), ("两万零五", 20005)])
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value


def test_amounts_in_every_form_read_as_yuan():
    assert amounts_of("欠我32000元，也就是3.2万元，三万二千元钱") == {32000}
    assert amounts_of("另欠两千块，首付27.9万，押金5元") == {2000, 279000}  # under 10 yuan is no fact
    assert amounts_of("在5组12号住了3年") == frozenset()
    assert amounts_of("赔四万八，工钱两万八千多到现在没给") == {48000, 28000}  # spoken: no unit after 万
    assert amounts_of("两万多人，三万亩") == frozenset()  # a number with 万 that counts something else


def test_approximate_sums_are_ranges():
    assert amount_ranges_of("工钱两万八千多") == {(28000, 29000)}
    assert amount_ranges_of("还差一万多块医药费") == {(10000, 20000)}
    assert amount_ranges_of("投了二十余万元") == {(200000, 300000)}
    assert amount_ranges_of("差不多三千块") == {(2700, 3300)}
    assert amount_ranges_of("约2.3万元，另付1200元") == {(20700, 25300), (1200, 1200)}


def test_areas():
    assert areas_of("被征8亩地，房子120平方米，另有2.5亩") == {"8亩", "2.5亩", "120平方米"}


def test_times_absolute_relative_and_month_only():
    assert times_of("2024年4月买的种子，24年5月又去") == ({"2024-04", "2024-05"}, {2024})
    assert times_of("二〇二三年三月签的协议") == ({"2023-03"}, {2023})
    # relative to the year the petition was received
    assert times_of("去年四月买的，今年6月份才发现", year=2025) == ({"2024-04", "2025-06"}, {2024, 2025})
    assert times_of("去年的事", year=2025) == (frozenset(), {2024})
    assert times_of("4月份开始停工", year=2026) == ({"2026-04", "2025-04"}, frozenset())
    assert times_of("4月份开始停工") == (frozenset(), frozenset())  # no year known: no date invented


def test_a_month_alone_may_be_of_the_year_before_and_only_written_years_are_fixed():
    # 12月份, said in a petition received early in 2024, is as likely December 2023.
    assert times_of("12月份的燃气费", year=2024) == ({"2024-12", "2023-12"}, frozenset())
    # 去年 is as often when the petitioner last wrote as when the matter happened: not a fixed year.
    assert fixed_years_of("去年反映过，2017年确权时登错了") == {2017}


def test_names_are_matched_by_their_distinctive_core():
    assert name_core("青石镇鸿运农资店") == "鸿运"
    assert name_core("宏达建筑劳务有限公司") == "宏达"
    assert names_match("鸿运农资店", "镇上鸿运农资")
    assert names_match("宏达建筑劳务有限公司", "宏达公司")
    assert not names_match("鸿运农资店", "丰收农资店")  # 农资店 is what every such shop is
    assert not names_match("宏达建筑劳务有限公司", "鑫源建筑劳务有限公司")


def test_names_places_and_people_of_a_text():
    facts = facts_of("我是青石镇石桥村三组村民，在宏达建筑劳务有限公司承建的锦绣花园二期工地干活，包工头王某和李经理都不管。")
    assert "宏达建筑劳务有限公司" in facts.names
    assert any(names_match(name, "锦绣花园") for name in facts.names)
    assert "石桥村" in facts.places and "三组" in facts.places
    assert people_of("包工头王某某说找李经理，张某不在") == {"王某", "李经理", "张某"}


@pytest.mark.parametrize(("text", "names"), [
    ("来访人系县人民医院的护工", ("县人民医院",)),  # a verb in front (系, 问) is no part of the name
    ("夜间上游兴盛化工厂排污，去年七月份化工厂又排", ("兴盛化工厂",)),  # time and place words neither
    ("校长说不是学校的责任，事后学校只垫付了押金", ()),  # 不是学校, 事后学校 are no names
    ("要求查封公司及负责人财产", ()),
])
def test_names_do_not_begin_with_verbs_time_words_or_conjunctions(text, names):
    assert facts_of(text, 2025).names == names


def test_vocabulary_words_read_as_their_concept_and_boilerplate_is_dropped():
    a = facts_of("尊敬的领导：公司拖欠工资三个月。")
    b = facts_of("老板欠我们工钱没结。")
    assert "issue:欠薪" in a.concepts and "issue:欠薪" in b.concepts
    assert a.surface["issue:欠薪"] == "拖欠工资"
    assert not any(word.startswith("boiler:") for word in a.words) and "尊敬" not in a.words


def test_traditional_characters_read_as_simplified():
    assert "issue:欠薪" in facts_of("建築公司拖欠工資三個月").concepts


def test_the_demand_is_quoted_as_written_and_a_formula_is_skipped():
    assert demand_phrase("种子是假的。要求鸿运农资店赔偿减产损失。恳请领导为我做主。") == "鸿运农资店赔偿减产损失"
    assert demand_phrase("希望有关部门尽快督促宏达公司结清工钱3.5万元。") == "宏达公司结清工钱3.5万元"
    assert demand_phrase("恳请领导为我做主！") == ""


def test_a_bad_vocabulary_line_is_refused_with_its_number():
    with pytest.raises(ValueError, match="line 2"):
        parse_vocabulary("issue 欠薪: 拖欠工资\n欠薪 拖欠工资\n")
    vocabulary = parse_vocabulary("issue 欠薪: 拖欠工资 工钱\nboiler 尊敬: 尊敬的领导\n")
    assert vocabulary.concept_of["工钱"] == "issue:欠薪" and vocabulary.boiler == {"boiler:尊敬"}


def test_a_fifty_thousand_character_paste_is_read_up_to_five_thousand():
    facts = facts_of("宏达公司拖欠工资3.5万元。" * 4000)  # 56,000 characters
    assert facts.amounts == {35000} and len(facts.trigrams) < 5000
