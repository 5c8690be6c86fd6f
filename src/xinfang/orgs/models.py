"""The organisation tree (机构树) and the users who work in it."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models


class Org(models.Model):
    """A node of the organisation tree: a government, an office, a department, a township, a village."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", "人民政府"
        PETITION_OFFICE = "petition_office", "信访部门"
        DEPARTMENT = "department", "职能部门"
        TOWNSHIP = "township", "乡镇街道"
        VILLAGE = "village", "村（社区）"
        POLITICAL_LEGAL = "political_legal", "政法机关"
        DISCIPLINE = "discipline", "纪检监察机关"

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "市级"
        COUNTY = "county", "县级"
        TOWNSHIP = "township", "乡级"
        VILLAGE = "village", "村级"

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    # 行政区划代码: 6 digits to county, 9 to township, 12 to village (GB/T 2260, GB/T 10114).
    region_code = models.CharField(
        "行政区划代码",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^(\d{6}|\d{9}|\d{12})$", "行政区划代码应为6、9或12位数字")],
    )
    # Prefix of the readable petition numbers this org registers (e.g. "清溪信").
    number_prefix = models.CharField("编号前缀", max_length=20, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级机构", null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Art 35: a department's decision may be reviewed by its own government or by the competent department
    # one level up (上级主管部门, e.g. the city's 人社局 for the county's); the tree alone cannot say which.
    superior_department = models.ForeignKey(
        "self", verbose_name="上级主管部门", null=True, blank=True,
        on_delete=models.PROTECT, related_name="subordinate_departments",
        help_text="职能部门的上一级主管部门（复查、复核机关之一，《信访工作条例》第三十五条、第三十六条）",
    )
    # Arts 22, 23: matters are forwarded or assigned only to organs with the power to handle them (有权处理机关).
    # A village (community) committee is a self-governing body, not an organ, and has no users to act: by
    # default it may not handle (set on creation, NOT_HANDLING_KINDS); an administrator may change it.
    may_handle = models.BooleanField(
        "有权处理", default=True,
        help_text="可作为转送、交办的责任单位（有权处理机关，《信访工作条例》第二十二条）；村（社区）默认否",
    )
    # Materialised path "/1/4/17/": a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The default by kind, on creation only: a later edit in the admin is the administrator's decision.
        if self._state.adding and self.kind in NOT_HANDLING_KINDS:
            self.may_handle = False
        super().save(*args, **kwargs)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this org, itself included."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def display_prefix(self) -> str:
        return self.number_prefix or self.short_name or self.region_code or f"ORG{self.pk}"


# Kinds that are not organs with the power to handle petitions: villages (communities) and petition offices,
# which forward and assign but do not handle matters themselves.
NOT_HANDLING_KINDS = (Org.Kind.VILLAGE, Org.Kind.PETITION_OFFICE)


class Role(models.TextChoices):
    INTAKE_CLERK = "intake_clerk", "登记员"
    REVIEWER = "reviewer", "信访部门审核员"
    HANDLER = "handler", "承办人"
    HANDLING_ORG_HEAD = "handling_org_head", "责任单位负责人"
    SUPERVISOR = "supervisor", "督查督办员"
    LEADER = "leader", "领导干部"
    STATISTICIAN = "statistician", "统计员"
    ADMINISTRATOR = "administrator", "系统管理员"
    # 三权分立 (等保 2.0): the system administrator configures, the security administrator grants roles, the
    # auditor reads the audit log; none of them reads a petition, and no account holds two of them.
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDITOR = "auditor", "安全审计员"


SYSTEM_ROLES = frozenset({Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDITOR})


class User(AbstractUser):
    """A staff member: belongs to one org, holds one or more roles."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    org = models.ForeignKey(
        Org, verbose_name="所属机构", null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_set(self) -> frozenset[str]:
        # Cached per instance: roles are read on every permission check of a request.
        if not hasattr(self, "_role_cache"):
            self._role_cache = frozenset(self.roles.values_list("role", flat=True))
        return self._role_cache

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def is_system_only(self) -> bool:
        """Holds a system role and no business role, and is no superuser: reads no petition (三权分立)."""
        if self.pk is None:  # an unsaved User(org=…) stands for a unit as a whole (supervision's checks)
            return False
        return not self.is_superuser and bool(self.role_set) and self.role_set <= SYSTEM_ROLES


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="orgs_userrole_unique"),
        ]

    def __str__(self) -> str:
        return self.get_role_display()
