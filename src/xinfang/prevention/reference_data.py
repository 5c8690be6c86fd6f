"""The entries the editable lists start with, from ../shared/data/categories.md and issue 14."""

# 重点领域 of the seed data, in its order; 企业裁员 as the issue names it.
DISPUTE_FIELDS = ("欠薪讨薪/双拖欠", "房地产", "征地拆迁", "教育培训", "集资融资", "土地流转", "企业裁员",
                  "出租汽车", "涉军群体", "环境污染", "婚姻家庭邻里", "其他")
CAMPAIGN_KINDS = ("全县大排查", "专项排查", "日常排查")
ASSESSMENT_KINDS = ("工程项目类", "政策制定类", "其他类")


def lists_seed(*, field_model, campaign_kind_model, assessment_kind_model) -> None:
    """Create the missing entries (the migration passes its historical models; tests that flush, the real ones)."""
    for model, names in ((field_model, DISPUTE_FIELDS), (campaign_kind_model, CAMPAIGN_KINDS),
                         (assessment_kind_model, ASSESSMENT_KINDS)):
        for order, name in enumerate(names, start=1):
            model.objects.get_or_create(name=name, defaults={"order": order})
