"""Every procedural article of the 《信访工作条例》 (Arts 17–26 and 28–47), and where Xinfang implements it.

One entry per article: a short title, how the system implements it, the code that does (a rule of the table,
a check, a clock, a setting, or another function or model), the tests that prove it, and the issues that plan
what is still missing. docs/RULES.md renders this table (rules_doc.py); tests/workflow/test_articles.py checks
that every article has an entry, every reference exists and every test named is a real test.

References: "rule:ACTION" (workflow.rules), "check:NAME" (workflow.checks), "clock:KIND" (the policy's clocks),
"setting:NAME" (Django settings), "code:dotted.path" (a module attribute: a function, a model, a choice list).
The titles summarise; the Regulation's own text is authoritative (the source used here is docs/REGULATION.md,
and for Arts 38–42, where that summary and the wave-2 issues are all there is, the article numbers follow them).
"""

from dataclasses import dataclass

FIRST_ARTICLE, LAST_ARTICLE = 17, 47
# Art 27 states principles of handling (诉求合理的解决问题到位 …), not a procedure: it is not mapped.
NOT_PROCEDURAL = (27,)


@dataclass(frozen=True)
class Article:
    number: int
    title: str
    how: str
    refs: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()
    planned: tuple[int, ...] = ()  # issue numbers (`issues show N`)
    gap: str = ""  # neither implemented nor planned yet: say so

    @property
    def implemented(self) -> bool:
        return bool(self.refs)


REG = "tests/petitions/test_petition_register.py::"
PROC = "tests/workflow/test_procedure.py::"
ORGANS = "tests/workflow/test_review_organs.py::"
NEW = "tests/workflow/test_arts_24_25_28_29.py::"
SCOPE = "tests/petitions/test_scope.py::"
SUP = "tests/supervision/"
UNIT = "tests/workflow/test_unit_work.py::"
STATS_SUP = "tests/stats/test_supervision_indicators.py::"

ARTICLES: tuple[Article, ...] = (
    Article(17, "信访形式：信息网络、书信、电话、传真、走访",
            "登记时选择信访形式（含网上投诉、网上建议、领导信箱、上级交办、12345 转办等实践渠道），按形式统计和筛选",
            refs=("code:xinfang.petitions.models.Channel", "code:xinfang.petitions.services.petition_register"),
            tests=("tests/web/test_register_view.py::test_the_list_filters_by_channel_and_finds_by_id_number",
                   "tests/web/test_register_speed.py::"
                   "test_the_source_reference_is_asked_for_online_phone_hotline_and_assigned_matters")),
    Article(18, "公布信访渠道、接待时间地点、处理程序；领导接访、下访",
            "尚未实现：公开页面公布渠道、接待时间地点和路线图（议题18）；领导接访、约访、下访的安排与记录（议题15）",
            planned=(18, 15)),
    Article(19, "书面提出，口头的如实记录；真实性；已受理在办的同一事项向上级提出不予受理",
            "登记要求姓名、住址和请求（匿名检举控告除外），口头信访由登记员录入；“不予受理”理由含已受理在办事项向上级重复提出",
            refs=("code:xinfang.petitions.services.registration_check", "rule:reject",
                  "code:xinfang.workflow.choices.RejectionReason"),
            tests=(REG + "test_bad_id_phone_and_missing_fields_are_all_reported_and_nothing_is_saved",
                   REG + "test_an_anonymous_accusation_letter_is_registered_but_an_anonymous_grievance_is_not")),
    Article(20, "走访到有权处理的本级或上一级机关；多人走访推选代表不超过5人",
            "集体访的代表至多5名、人数门槛为设置；越过有权处理机关及其上一级的走访标记“越级”并写明理由",
            refs=("setting:XINFANG_MAX_REPRESENTATIVES", "setting:XINFANG_GROUP_VISIT_THRESHOLD",
                  "code:xinfang.matching.services.skip_level_decide"),
            tests=(REG + "test_a_group_visit_with_six_representatives_is_refused_and_nothing_is_saved",
                   REG + "test_a_visit_of_seven_with_three_representatives_is_a_group_visit_of_seven_person_times",
                   "tests/matching/test_skip_level.py::"
                   "test_city_office_receiving_a_township_matter_marks_it_skip_level_with_the_reason")),
    Article(21, "信访信息系统：及时录入，网上流转，方便查询和评价",
            "每件信访事项登记入库、连续编号，办理全过程留痕；满意度评价；信访人自行查询和评价在公开门户（议题18）",
            refs=("code:xinfang.petitions.services.petition_register", "rule:evaluate"),
            tests=(REG + "test_numbers_restart_each_year_per_registering_office",
                   PROC + "test_a_grievance_goes_from_registration_to_final"),
            planned=(18,)),
    Article(22, "信访部门15日内登记处理：转送、交办；涉法涉诉转政法机关，检举控告转纪检监察",
            "规则“转送”“交办”“导入法定途径”“报送办结报告”，登记处理期限15日；涉法涉诉只能转政法机关",
            refs=("rule:forward", "rule:assign", "rule:redirect", "rule:report_back", "check:destination_allowed",
                  "clock:disposition", "clock:report_back"),
            tests=(PROC + "test_registration_starts_the_offices_fifteen_day_clock",
                   PROC + "test_a_litigation_related_matter_goes_to_a_political_legal_organ",
                   PROC + "test_a_grievance_goes_from_registration_to_final")),
    Article(23, "有权处理机关登记、15日内书面告知；不属职权的5个工作日内提出异议",
            "规则“受理”“不予受理”“退回（提出异议）”“同意退回”“不同意退回”；受理告知15日、异议期5个工作日",
            refs=("rule:accept", "rule:reject", "rule:object", "rule:objection_agree", "rule:objection_refuse",
                  "check:within_objection_window", "clock:acceptance", "clock:objection"),
            tests=(PROC + "test_only_the_handling_org_may_accept",
                   PROC + "test_an_objection_within_five_working_days_returns_the_matter_and_later_is_refused",
                   PROC + "test_a_refused_objection_restores_the_assignment")),
    Article(24, "涉及多个机关：协商受理，有争议由共同上一级机关决定，或联席会议协调",
            "规则“确定受理机关（涉及多个机关）”记录所涉及的机关、受理机关和确定方式；有争议的只能由共同的上一级机关决定；"
            "事项转送确定的机关，只有它能受理",
            refs=("rule:designate_acceptor", "check:joint_acceptance_fits", "code:xinfang.workflow.models.JointAcceptance"),
            tests=(NEW + "test_the_common_superior_designates_the_accepting_organ_and_only_that_organ_accepts",
                   NEW + "test_only_the_common_superior_decides_a_dispute_and_only_the_office_records_an_agreement",
                   NEW + "test_correcting_a_designation_voids_it_and_gives_the_matter_back")),
    Article(25, "重大、紧急信访事项及时报告本级党委和政府、上一级信访部门",
            "规则“报告重大紧急事项”：紧急或特急事项向上级政府或上一级信访部门报告，报告机关与内容记入办理记录；"
            "条文只说“及时”，不设期限",
            refs=("rule:report_urgent", "check:urgent_report_fits"),
            tests=(NEW + "test_an_urgent_matter_is_reported_to_the_government_or_petition_office_above",
                   NEW + "test_a_matter_of_normal_urgency_is_not_reported_as_urgent")),
    Article(26, "信访人不得有的六类行为",
            "尚未实现：违法信访行为的登记（六类）、处置措施与受限查阅（议题15）",
            planned=(15,)),
    Article(28, "恪尽职守、秉公办事；与信访事项或信访人有直接利害关系的应当回避",
            "规则“回避”：本人申请或负责人决定，回避人员此后不能对本事项做任何办理（规则的权限检查拒绝）；"
            "诉访分离见第二十二条第二款、第三十一条的“导入法定途径”",
            refs=("rule:recuse", "check:recusal_fits", "check:actor_recused",
                  "code:xinfang.workflow.services.rule_permits", "code:xinfang.workflow.models.Recusal"),
            tests=(NEW + "test_a_handler_who_declares_an_interest_may_no_longer_act_on_the_matter",
                   NEW + "test_the_head_recuses_a_colleague_and_a_correction_lifts_it",
                   NEW + "test_a_recusal_through_the_case_page")),
    Article(29, "建议意见类：研究论证，采纳或部分采纳并回复；有贡献的给予奖励",
            "规则“研究论证（建议意见）”，处理意见书的结论为采纳、部分采纳或不采纳，规则“建议奖励”只用于被采纳的建议，且只奖励一次",
            refs=("rule:assess_suggestion", "rule:reply", "rule:reward_suggestion", "check:type_is",
                  "check:suggestion_adopted", "check:outcome_fits_type"),
            tests=(NEW + "test_a_suggestion_is_assessed_adopted_and_rewarded_once",
                   NEW + "test_a_suggestion_not_adopted_is_not_rewarded_and_a_grievance_is_not_assessed_as_one")),
    Article(30, "检举控告类：不得透露或转给被检举控告的人员和单位",
            "检举控告件对被反映单位及其下级一律不可见，不能转送、交办给被反映单位；内容与附件加密存储",
            refs=("code:xinfang.petitions.selectors.petitions_visible_to", "check:destination_allowed"),
            tests=(SCOPE + "test_an_accusation_is_hidden_from_the_accused_unit_and_the_units_inside_it",
                   PROC + "test_an_accusation_is_never_forwarded_to_the_accused_unit",
                   "tests/petitions/test_at_rest.py::"
                   "test_an_accusations_stored_row_holds_no_word_of_its_summary_content_or_demands")),
    Article(31, "申诉求决类依法分类处理；其他事项调查核实、出具信访处理意见书，可以听证",
            "规则“导入法定途径”（诉讼、仲裁、复议等，书面告知）、“举行听证”“听证结束”（听证时间不计入办理期限）；"
            "“调查核实记录”（方式与情况）及调查核实证据",
            refs=("rule:redirect", "check:pathway_org_fits", "rule:hearing_start", "rule:hearing_end", "rule:investigate"),
            tests=(PROC + "test_a_litigation_related_matter_goes_to_a_political_legal_organ",
                   PROC + "test_extension_hearing_and_their_limits_move_the_handling_deadline",
                   UNIT + "test_the_draft_is_signed_by_the_head_in_the_units_name_with_the_handlers_text")),
    Article(32, "信访处理意见书：请求、事实和理由、处理意见及依据；支持、解释说明、不予支持",
            "规则“出具信访处理意见书”：必填查明的事实和理由、处理意见、法律法规依据，结论须与信访类型相符；"
            "承办人“起草处理意见书（报审）”，负责人“审核签发处理意见书”（可修改，以本机关名义出具）或“退回修改意见书”",
            refs=("rule:reply", "check:outcome_fits_type", "code:xinfang.workflow.choices.OUTCOMES_BY_TYPE",
                  "rule:draft_reply", "rule:approve_reply", "rule:return_draft"),
            tests=(PROC + "test_a_reply_must_fit_the_petition_type_and_carry_a_decision_letter",
                   UNIT + "test_the_head_may_amend_the_draft_and_the_amendment_is_checked",
                   "tests/notices/test_documents.py::test_a_decision_letter_says_what_the_regulation_requires")),
    Article(33, "调解、和解，制作协议书",
            "规则“调解达成协议”：记录协议内容，出具的文书载明协议",
            refs=("rule:mediate",),
            tests=("tests/notices/test_documents.py::test_a_mediated_matter_gets_the_agreement_instead_of_findings",)),
    Article(34, "60日内办结；经负责人批准延长不超过30日并告知理由",
            "办理期限60日；规则“延期”只由责任单位负责人办理，累计不超过30日（设置），出具延期告知书",
            refs=("clock:handling", "rule:extend", "check:extension_within_limit", "rule:close"),
            tests=(PROC + "test_extension_hearing_and_their_limits_move_the_handling_deadline",
                   "tests/workflow/test_correction.py::test_correcting_an_extension_gives_back_the_days")),
    Article(35, "复查：30日内向原办理机关的上一级机关请求，30日内出具复查意见",
            "规则“复查申请”“出具复查意见”“复查申请不予受理”；只有上一级人民政府或上一级主管部门可作复查机关",
            refs=("rule:request_review", "rule:decide_review", "rule:refuse_review", "check:reviewing_org_is_superior",
                  "check:review_refusal_fits", "clock:review_window", "clock:review_decision"),
            tests=(ORGANS + "test_a_townships_decision_is_reviewed_by_the_county_not_the_city_or_the_province",
                   ORGANS + "test_only_the_reviewing_organ_itself_decides_a_review_not_the_township_under_review",
                   ORGANS + "test_a_late_review_request_is_refused_by_the_county_with_its_own_notice_not_an_opinion",
                   PROC + "test_a_review_requested_one_day_late_is_refused")),
    Article(36, "复核：30日内向复查机关的上一级机关请求，可以听证；复核后同一事实和理由不再受理",
            "规则“复核申请”“复核听证”“出具复核意见”“复核申请不予受理”“不再受理”“终结（期满未申请）”",
            refs=("rule:request_re_review", "rule:decide_re_review", "rule:refuse_re_review",
                  "rule:re_review_hearing_start", "rule:re_review_hearing_end", "rule:refuse_repeat", "rule:finalize",
                  "check:same_matter_is_final", "clock:re_review_window", "clock:re_review_decision"),
            tests=(PROC + "test_a_re_review_hearing_is_not_counted_in_the_re_review_period",
                   PROC + "test_a_final_matter_raised_again_is_refused_with_a_notice",
                   ORGANS + "test_the_reviewing_organ_does_not_decide_the_re_review_of_its_own_review")),
    Article(37, "生活困难的告知或帮助申请社会救助；符合条件的给予司法救助",
            "规则“救助告知或转介”：受理后到终结的任何时候，由承办单位或复查复核机关记录救助方式与去向，不改变办理状态",
            refs=("rule:refer_relief",),
            tests=("tests/workflow/test_arts_24_25_28_29.py::test_relief_is_recorded_beside_the_procedure_art_37",)),
    Article(38, "专项督查；督查发现的问题反馈和报告",
            "督查督办员的“超期待督办”待办列出本部门范围内法定期限已超期的事项；现场督办、挂牌督办、约谈、限期整改记录发现的问题、"
            "单位的书面回复或整改报告、验收与办结（docs/SUPERVISION.md）",
            refs=("code:xinfang.supervision.inbox.inbox_queryset",
                  "code:xinfang.supervision.services_accountability.rectification_issue",
                  "code:xinfang.supervision.services_accountability.rectification_check"),
            tests=(SUP + "test_inbox.py::test_the_supervisor_step_lists_exactly_the_overdue_matters_most_overdue_first",
                   SUP + "test_accountability.py::"
                         "test_order_due_in_working_days_across_a_rest_day_and_a_failed_check_keeps_it_open")),
    Article(39, "督办：推诿、敷衍、拖延、弄虚作假等情形及时督办",
            "督办记录：电话督办、发函督办（督办提醒函、督办函，Word）、现场督办、挂牌督办，回复期限按工作日历，责任单位负责人书面回复，"
            "逾期未回复的标注、进入待办并预警；领导批示交办落实；交办事项的办结报告期限",
            refs=("code:xinfang.supervision.services_records.supervision_issue",
                  "code:xinfang.supervision.services_records.supervision_respond",
                  "code:xinfang.supervision.services_instructions.instruction_record", "rule:report_back"),
            tests=(SUP + "test_records.py::test_letter_issued_answered_and_closed",
                   SUP + "test_records.py::test_supervision_overdue_selector",
                   SUP + "test_records.py::test_accusation_not_supervised_through_accused_unit")),
    Article(40, "三项建议：改进工作、完善政策、追究责任，有关机关书面反馈采纳情况",
            "三项建议记录：改进工作、完善政策、追究责任建议，书面答复采纳、部分采纳或不予采纳及理由，答复期限、逾期标注、跟踪落实与办结",
            refs=("code:xinfang.supervision.services_records.recommendation_issue",
                  "code:xinfang.supervision.services_records.recommendation_reply"),
            tests=(SUP + "test_records.py::test_recommendation_overdue_reply_then_closed",)),
    Article(41, "信访情况年度报告与分析",
            "统计指标已有（按地区、机构、形式、分类；被反映较多的单位）；年度报告的生成在议题16",
            refs=("code:xinfang.stats.indicators.INDICATORS",),
            tests=("tests/stats/test_indicators.py::test_breakdowns_with_one_group_per_petition_add_up_to_every_total",),
            planned=(16,)),
    Article(42, "信访工作考核评价",
            "按季度晾晒责任单位：及时受理率、按期办结率、群众满意率、超期件数、重复信访占比、补录与质量评查得分，每个名次写明依据；"
            "示范/警示双榜按可配置规则；通报批评、通报表扬（docs/SUPERVISION.md、docs/QUALITY.md）",
            refs=("code:xinfang.supervision.rankings.rankings_compute",
                  "code:xinfang.supervision.services_circulars.circular_issue"),
            tests=(SUP + "test_rankings.py::test_quarter_ranking_equals_the_hand_computation",
                   SUP + "test_rankings.py::test_two_lists_follow_the_toml")),
    Article(43, "信访部门未按规定登记、转送、交办、督办的责任",
            "追责提示：登记处理超期件数按信访部门统计（指标 disposition_late），可下钻到事项，在季度晾晒中按单位列出",
            refs=("clock:disposition", "code:xinfang.supervision.rankings.rankings_compute"),
            tests=("tests/stats/test_indicators.py::test_overdue_is_read_at_the_end_of_the_period_or_today",
                   STATS_SUP + "test_the_ranking_shows_the_two_late_kinds_apart_and_the_refusals")),
    Article(44, "有权处理机关不予受理、未按期书面告知的责任",
            "追责提示：受理告知超期件数按责任单位统计（指标 acceptance_notice_late），与登记处理超期分列，可下钻",
            refs=("clock:acceptance",),
            tests=("tests/workflow/test_clocks.py::test_warning_levels_follow_the_policy_thresholds",
                   STATS_SUP + "test_each_figure_equals_the_hand_count_and_its_drill_down")),
    Article(45, "推诿、敷衍、拖延，未在法定期限内办结，对合法诉求不予支持的责任",
            "追责提示：未按期办结与期末仍超期的件数按责任单位列出，补录（倒填日期）单独计数；临期、超期、严重超期预警发给承办人、"
            "负责人和督查督办员",
            refs=("clock:handling", "code:xinfang.notifications.services.deadlines_scan"),
            tests=("tests/stats/test_indicators.py::test_an_extended_case_finished_on_its_extended_due_date_is_on_time",
                   "tests/notifications/test_warnings.py::"
                   "test_an_overdue_clock_yields_one_overdue_warning_per_recipient_across_two_scans")),
    Article(46, "打击报复信访人、泄露检举控告材料等的责任",
            "检举控告件对被反映单位不可见（第五项）；转送、交办给被检举控告单位的尝试被拒绝并记录（RefusedDestination），"
            "作为追责提示按尝试的单位统计；安全审计在议题19",
            refs=("code:xinfang.petitions.selectors.petitions_visible_to",
                  "code:xinfang.workflow.models.RefusedDestination"),
            tests=(SCOPE + "test_no_flag_lets_a_user_inside_the_accused_unit_see_the_accusation",
                   "tests/workflow/test_refused_destination.py::"
                   "test_the_case_page_refusal_is_recorded_once_and_changes_nothing"),
            planned=(19,)),
    Article(47, "违反第二十条、第二十六条的劝阻、批评教育，治安管理处罚，刑事责任",
            "尚未实现：违法信访行为的处置措施与处置机关（议题15）", planned=(15,)),
)

ARTICLES_BY_NUMBER: dict[int, Article] = {article.number: article for article in ARTICLES}
