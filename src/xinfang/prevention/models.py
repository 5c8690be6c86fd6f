"""The prevention ledgers' models, one module per ledger (the 积案/包案 and 访调对接 ledgers add theirs)."""

from xinfang.prevention import backlog, referrals  # noqa: F401  (their models, once they have some)
from xinfang.prevention.assessments import MajorDecision, StabilityAssessment
from xinfang.prevention.disputes import Dispute, DisputeBatch, DisputePetition, RiskLevel, ScreeningCampaign
from xinfang.prevention.history import LedgerSequence, LedgerVersion
from xinfang.prevention.lists import AssessmentKind, CampaignKind, DisputeField

__all__ = ["AssessmentKind", "CampaignKind", "Dispute", "DisputeBatch", "DisputeField", "DisputePetition", "LedgerSequence",
           "LedgerVersion", "MajorDecision", "RiskLevel", "ScreeningCampaign", "StabilityAssessment"]
