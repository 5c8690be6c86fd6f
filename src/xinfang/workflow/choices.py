"""Closed lists the rules refer to: reasons, legal pathways, outcomes by petition type, review outcomes."""

from django.db import models

from xinfang.petitions.models import PetitionType


class RejectionReason(models.TextChoices):
    # Practice, from the national rules on step-by-step visits (docs/REGULATION.md: configurable list).
    LEGAL_PROCEDURE = "legal_procedure", "应当通过诉讼、仲裁、行政复议等法定途径解决"
    SKIP_LEVEL = "skip_level", "越级走访，未向有权处理机关或其上一级机关提出"
    IN_PROGRESS = "in_progress", "已受理且在办理期限内，又向上级机关提出同一事项（第十九条第三款）"
    NOT_A_PETITION = "not_a_petition", "不属于信访事项（无具体诉求或不属于信访工作范围）"


class LegalPathway(models.TextChoices):
    # Art 31 (1)–(4): matters that belong to a statutory procedure are redirected (导入), in writing.
    LITIGATION = "litigation", "诉讼"
    PROCURATORIAL = "procuratorial", "检察监督"
    POLICE = "police", "公安机关法定程序"
    ARBITRATION = "arbitration", "仲裁"
    PARTY_APPEAL = "party_appeal", "党员申诉、申请复审"
    ADMIN_RECONSIDERATION = "admin_reconsideration", "行政复议"
    ADMIN_RULING = "admin_ruling", "行政裁决"
    ADMIN_CONFIRMATION = "admin_confirmation", "行政确认"
    ADMIN_LICENSING = "admin_licensing", "行政许可"
    ADMIN_PENALTY = "admin_penalty", "行政处罚"


# Pathways for the courts, procuratorates and police: the matter goes to a political-legal organ (诉访分离).
LITIGATION_PATHWAYS = {LegalPathway.LITIGATION, LegalPathway.PROCURATORIAL, LegalPathway.POLICE}


class Outcome(models.TextChoices):
    # Grievances (Art 32) — 部分支持 is practice.
    SUPPORTED = "supported", "支持"
    PARTLY_SUPPORTED = "partly_supported", "部分支持"
    EXPLAINED = "explained", "解释说明"
    NOT_SUPPORTED = "not_supported", "不予支持"
    # Suggestions (Art 29).
    ADOPTED = "adopted", "采纳"
    PARTLY_ADOPTED = "partly_adopted", "部分采纳"
    NOT_ADOPTED = "not_adopted", "不采纳"
    # Accusations (Art 30).
    SUBSTANTIATED = "substantiated", "属实"
    PARTLY_SUBSTANTIATED = "partly_substantiated", "部分属实"
    UNSUBSTANTIATED = "unsubstantiated", "不属实"
    # Mediation or settlement with both sides' consent (Art 33).
    MEDIATED = "mediated", "调解达成协议"


OUTCOMES_BY_TYPE = {
    PetitionType.GRIEVANCE: (Outcome.SUPPORTED, Outcome.PARTLY_SUPPORTED, Outcome.EXPLAINED, Outcome.NOT_SUPPORTED),
    PetitionType.SUGGESTION: (Outcome.ADOPTED, Outcome.PARTLY_ADOPTED, Outcome.NOT_ADOPTED),
    PetitionType.ACCUSATION: (Outcome.SUBSTANTIATED, Outcome.PARTLY_SUBSTANTIATED, Outcome.UNSUBSTANTIATED),
}


class ReviewOutcome(models.TextChoices):
    # The opinion on an accepted request. A request not accepted is not an opinion: refuse_review and
    # refuse_re_review record it, with its own notice and its own count.
    UPHOLD = "uphold", "维持"
    REVOKE = "revoke", "撤销"
    MODIFY = "modify", "变更"


class ReviewRefusalReason(models.TextChoices):
    # Why a review (re-review) request is not accepted (Arts 35, 36); checks.review_refusal_fits verifies each.
    OUT_OF_TIME = "out_of_time", "申请超过30日的法定期限"
    WRONG_ORGAN = "wrong_organ", "本机关不是原办理（复查）机关的上一级机关"
    ALREADY_DECIDED = "already_decided", "该信访事项已经复查（复核）"


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", "直接送达"
    POST = "post", "邮寄送达"
    ELECTRONIC = "electronic", "电子送达"
    LEFT_AT_ADDRESS = "left_at_address", "留置送达"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    MOSTLY_SATISFIED = "mostly_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class RatedBy(models.TextChoices):
    # Ratings entered by staff are reported apart: inflated satisfaction is a known abuse (docs/REGULATION.md).
    PETITIONER = "petitioner", "信访人自评"
    STAFF = "staff", "工作人员代录（电话回访等）"


class SuggestionContribution(models.TextChoices):
    # Art 29 ¶2: what an adopted suggestion contributed, for which a reward is given under the relevant rules.
    DEVELOPMENT = "development", "对国民经济和社会发展有贡献"
    IMPROVING_WORK = "improving_work", "对改进工作有贡献"
    PUBLIC_INTEREST = "public_interest", "对保护社会公共利益有贡献"


class ReliefKind(models.TextChoices):
    # Art 37: a petitioner in hardship is told of social assistance or helped to apply; one who qualifies is
    # given judicial relief (司法救助) by the judicial organs.
    SOCIAL = "social", "告知或帮助申请社会救助"
    JUDICIAL = "judicial", "协调给予司法救助"


class InvestigationMethod(models.TextChoices):
    # How the handling unit ascertained the facts (Art 31: 调查核实, 听取意见); an entry of the investigation log.
    RECORDS = "records", "查阅资料"
    SITE_VISIT = "site_visit", "实地调查"
    INTERVIEW = "interview", "走访询问"
    PHONE = "phone", "电话核实"
    HEARING_VIEWS = "hearing_views", "座谈听取意见"
    CONSULTATION = "consultation", "征询有关部门意见"
    OTHER = "other", "其他"
