"""Word documents of the notices: shipped templates, what a decision letter says, office overrides."""

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate

from tests.conftest import petition_input
from tests.notices.conftest import FACTS, LEGAL_BASIS, act
from xinfang.notices.documents import (
    CONTEXT_KEYS,
    SHIPPED_DIR,
    NoticeTemplateError,
    chinese_date,
    notice_context,
    notice_filename,
    render_notice_docx,
    template_path,
)
from xinfang.petitions.services import petition_register
from xinfang.workflow.models import Notice

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def text_of(docx: bytes) -> str:
    """Every paragraph of the body, one per line (python-docx reads what Word would show)."""
    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(docx)).paragraphs)


def notice_of(petition, kind) -> Notice:
    return Notice.objects.select_related("issuing_org", "petition").get(petition=petition, kind=kind)


def test_every_kind_has_a_shipped_template_generated_by_the_script():
    for kind in Notice.Kind.values:
        assert (SHIPPED_DIR / f"{kind}.docx").is_file(), kind
    # The committed binaries are exactly what scripts/make_notice_templates.py writes today.
    check = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_notice_templates.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_the_shipped_templates_use_only_documented_tags():
    for kind in Notice.Kind.values:
        tags = DocxTemplate(SHIPPED_DIR / f"{kind}.docx").get_undeclared_template_variables()
        assert tags <= set(CONTEXT_KEYS), (kind, tags - set(CONTEXT_KEYS))


def test_the_templates_name_chinese_fonts_and_embed_none():
    document = Document(SHIPPED_DIR / "decision.docx")
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "SimSun"
    names = {name for name in __import__("zipfile").ZipFile(SHIPPED_DIR / "decision.docx").namelist()}
    assert not any(name.startswith("word/fonts/") for name in names)  # fonts named, never embedded


def test_a_decision_letter_says_what_the_regulation_requires(decided, district):
    notice = notice_of(decided, Notice.Kind.DECISION)
    text = text_of(render_notice_docx(notice=notice))
    assert "信访处理意见书" in text
    assert notice.number in text and decided.number in text
    assert "张小三：" in text  # the addressee in full: the letter goes to the petitioner
    assert "你于2026年3月2日来信反映的“反映某建筑公司拖欠农民工工资”信访事项" in text
    assert "《信访工作条例》第三十二条" in text
    assert "请求督促公司支付拖欠工资。" in text  # 信访人请求
    assert FACTS in text and "\n公司已承认欠薪事实。\n" in text  # each line of the facts its own paragraph
    assert "处理结论：部分支持。" in text
    assert "责令公司30日内支付拖欠工资。" in text
    assert LEGAL_BASIS in text
    assert "如不服本处理意见，可以自收到本意见书之日起30日内向清溪区人民政府请求复查。" in text
    assert text.rstrip().endswith("青石镇\n2026年4月20日")
    assert "{{" not in text and "{%" not in text


def test_every_notice_of_a_matter_taken_to_the_end_renders(decided, district, category, actors):
    act(decided, "deliver", actors.handler, on=date(2026, 4, 22), delivery_method="in_person")
    act(decided, "close", actors.head, on=date(2026, 4, 25))
    act(decided, "request_review", actors.county_head, on=date(2026, 5, 20), reviewing_org=district.county.pk)
    act(decided, "decide_review", actors.county_head, on=date(2026, 6, 10), review_outcome="uphold",
        reasons="原处理意见认定事实清楚，适用依据正确。")
    act(decided, "request_re_review", actors.city_head, on=date(2026, 6, 20), reviewing_org=actors.city.pk)
    act(decided, "decide_re_review", actors.city_head, on=date(2026, 7, 1), review_outcome="uphold",
        reasons="复查意见正确。")
    again, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                 actor=district.clerk)
    act(again, "refuse_repeat", actors.reviewer, same_matter_as=decided.number)
    rejected, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    act(rejected, "reject", actors.reviewer, rejection_reason="legal_procedure", reason="已进入民事诉讼程序")
    redirected, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                      actor=district.clerk)
    act(redirected, "redirect", actors.reviewer, legal_pathway="arbitration",
        pathway_org=district.department.pk, reason="劳动争议应先申请劳动仲裁。")

    # A review request sent to the wrong organ (the city) and a late re-review request: refused, in writing.
    refused, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                   actor=district.clerk)
    act(refused, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(refused, "accept", actors.handler, on=date(2026, 3, 5))
    act(refused, "reply", actors.head, on=date(2026, 4, 20), outcome="supported", facts="f", decision="d",
        legal_basis="b")
    act(refused, "deliver", actors.handler, on=date(2026, 4, 22), delivery_method="in_person")
    act(refused, "refuse_review", actors.city_head, on=date(2026, 5, 6), review_refusal_reason="wrong_organ")
    act(refused, "request_review", actors.county_head, on=date(2026, 5, 8), reviewing_org=district.county.pk)
    act(refused, "decide_review", actors.county_head, on=date(2026, 5, 20), review_outcome="uphold", reasons="r")
    act(refused, "refuse_re_review", actors.city_head, on=date(2026, 7, 1), review_refusal_reason="out_of_time")

    expected = {
        (refused, Notice.Kind.REVIEW_REFUSAL): ["滨江市人民政府", "信访事项复查申请不予受理告知书",
                                                "对青石镇作出的信访处理意见", "向本机关提出的复查申请",
                                                "本机关不是原办理（复查）机关的上一级机关", "第三十五条",
                                                "向原办理机关的上一级机关清溪区人民政府请求复查"],
        (refused, Notice.Kind.RE_REVIEW_REFUSAL): ["滨江市人民政府", "信访事项复核申请不予受理告知书",
                                                   "对清溪区人民政府作出的复查意见", "向本机关提出的复核申请",
                                                   "申请超过30日的法定期限", "第三十六条", "本机关决定不予受理"],
        (decided, Notice.Kind.FORWARDING): ["信访事项转送告知书", "清溪区信访办", "已将该事项转送青石镇办理",
                                            "15日内决定是否受理"],
        (decided, Notice.Kind.ACCEPTANCE): ["信访事项受理告知书", "本机关决定予以受理", "60日内办结"],
        (decided, Notice.Kind.EXTENSION): ["信访事项延期办理告知书", "本机关已于2026年3月5日受理", "办理期限延长10日",
                                           "延期理由：需调取工程结算资料"],
        (decided, Notice.Kind.REVIEW): ["信访事项复查意见书", "清溪区人民政府",
                                        f"对青石镇作出的信访处理意见（{decided.number}-YJ1）不服，于2026年5月20日",
                                        "维持原处理意见。", "原处理意见认定事实清楚",
                                        "30日内向滨江市人民政府请求复核"],
        (decided, Notice.Kind.RE_REVIEW): ["信访事项复核意见书", "滨江市人民政府", "于2026年6月20日",
                                           "维持原复查意见。", "本复核意见为终结意见", "同一事实和理由",
                                           "不再受理", "第三十六条第三款"],
        (again, Notice.Kind.NO_LONGER_ACCEPTED): ["信访事项不再受理告知书", f"（信访件编号：{decided.number}）",
                                                  "本机关不再受理"],
        (rejected, Notice.Kind.REJECTION): ["信访事项不予受理告知书", "应当通过诉讼、仲裁、行政复议等法定途径解决",
                                            "具体理由：已进入民事诉讼程序", "向有关机关提出"],
        (redirected, Notice.Kind.REDIRECTION): ["信访事项告知书", "依法通过“仲裁”解决",
                                                "向清溪区人力社保局提出", "劳动争议应先申请劳动仲裁。"],
    }
    assert {kind for _, kind in expected} | {Notice.Kind.DECISION} == set(Notice.Kind.values)
    for (petition, kind), phrases in expected.items():
        notice = notice_of(petition, kind)
        text = text_of(render_notice_docx(notice=notice))
        assert notice.number in text and "张小三：" in text, kind
        for phrase in phrases:
            assert phrase in text, (kind, phrase, text)
        assert "{{" not in text and "{%" not in text, kind
        # 告知书 end with 特此告知; 意见书 end with the right to review, or with finality.
        assert ("特此告知。" in text) == (kind not in (Notice.Kind.REVIEW, Notice.Kind.RE_REVIEW)), kind


def test_text_from_the_form_cannot_break_the_document(registered, district, actors):
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler)
    act(registered, "reply", actors.head, outcome="not_supported", facts="甲<乙 & 丙>丁 \"引号\" {{ petition_number }}",
        decision="不予支持。\x0c", legal_basis="《信访工作条例》")
    text = text_of(render_notice_docx(notice=notice_of(registered, Notice.Kind.DECISION)))
    # Escaped, not interpreted: neither XML nor a second round of tags.
    assert "甲<乙 & 丙>丁 \"引号\" {{ petition_number }}" in text
    assert "处理结论：不予支持。" in text


def test_an_office_template_overrides_the_shipped_one(decided, settings, tmp_path):
    custom = Document()
    custom.add_paragraph("清溪区青石镇人民政府（红头）")
    custom.add_paragraph("{{ title }} {{ notice_number }}")
    custom.add_paragraph("{{ petitioner_name }}：本镇对{{ petition_number }}号事项的处理结论为{{ outcome_label }}。")
    custom.save(tmp_path / "decision.docx")
    settings.XINFANG_NOTICE_TEMPLATE_DIR = str(tmp_path)
    notice = notice_of(decided, Notice.Kind.DECISION)
    assert template_path(kind=notice.kind) == tmp_path / "decision.docx"
    text = text_of(render_notice_docx(notice=notice))
    assert text.startswith("清溪区青石镇人民政府（红头）")
    assert f"信访处理意见书 {notice.number}" in text
    assert f"张小三：本镇对{decided.number}号事项的处理结论为部分支持。" in text
    # Kinds the office did not replace still use the shipped templates.
    assert template_path(kind=Notice.Kind.ACCEPTANCE) == SHIPPED_DIR / "acceptance.docx"


def test_a_broken_office_template_is_reported_by_name(decided, settings, tmp_path):
    broken = Document()
    broken.add_paragraph("{{ petitioner_name ：")
    broken.save(tmp_path / "decision.docx")
    (tmp_path / "acceptance.docx").write_bytes(b"not a zip")
    settings.XINFANG_NOTICE_TEMPLATE_DIR = str(tmp_path)
    with pytest.raises(NoticeTemplateError, match="decision.docx"):
        render_notice_docx(notice=notice_of(decided, Notice.Kind.DECISION))
    with pytest.raises(NoticeTemplateError, match="acceptance.docx"):
        render_notice_docx(notice=notice_of(decided, Notice.Kind.ACCEPTANCE))


def test_a_template_cannot_reach_python_objects(decided, settings, tmp_path):
    # Sandboxed Jinja: an edited template is data, not code.
    sneaky = Document()
    sneaky.add_paragraph("{{ title.__class__.__mro__[1].__subclasses__() }}")
    sneaky.save(tmp_path / "decision.docx")
    settings.XINFANG_NOTICE_TEMPLATE_DIR = str(tmp_path)
    with pytest.raises(NoticeTemplateError):
        render_notice_docx(notice=notice_of(decided, Notice.Kind.DECISION))


def test_context_labels_dates_and_file_name(decided):
    notice = notice_of(decided, Notice.Kind.DECISION)
    context = notice_context(notice=notice)
    assert context["outcome_label"] == "部分支持"
    assert context["issued_date"] == "2026年4月20日"
    assert context["received_date"] == "2026年3月2日"
    assert context["petitioner_name"] == "张小三" and context["you"] == "你"
    assert set(CONTEXT_KEYS) <= set(context)
    assert chinese_date(date(2025, 10, 24)) == "2025年10月24日"
    assert notice_filename(notice=notice, fmt="docx") == f"信访处理意见书-{notice.number}.docx"


def test_a_notice_voided_by_a_correction_says_so(decided):
    notice = notice_of(decided, Notice.Kind.DECISION)
    assert "本文书已撤销" not in text_of(render_notice_docx(notice=notice))
    Notice.objects.filter(pk=notice.pk).update(voided=True)
    text = text_of(render_notice_docx(notice=notice_of(decided, Notice.Kind.DECISION)))
    assert "（本文书已撤销，仅供存档）" in text and notice.number in text


def test_a_mediated_matter_gets_the_agreement_instead_of_findings(registered, district, actors):
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler)
    act(registered, "mediate", actors.head, agreement="公司于2026年5月31日前一次性支付拖欠工资8.6万元")
    text = text_of(render_notice_docx(notice=notice_of(registered, Notice.Kind.DECISION)))
    assert "经调解，双方当事人自愿达成协议" in text and "《信访工作条例》第三十三条" in text
    assert "二、调解协议\n公司于2026年5月31日前一次性支付拖欠工资8.6万元。\n" in text
    assert "处理结论：调解达成协议。" in text
    assert "查明的事实和理由" not in text and "法律法规依据" not in text
    assert "30日内向清溪区人民政府请求复查" in text
