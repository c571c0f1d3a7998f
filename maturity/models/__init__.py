"""SQLAlchemy models, one module per aggregate; imported here so that Alembic sees them all."""

from maturity.models.assessment import (
    Answer,
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    AssessmentTarget,
    DimensionResult,
    Finding,
    ItemValue,
)
from maturity.models.audit import AuditEvent
from maturity.models.evidence import (
    AnswerReview,
    Attestation,
    EvidenceFile,
    ReviewMethod,
    ReviewOutcome,
    Verification,
)
from maturity.models.organisation import (
    Centre,
    CentreRegistration,
    CodeVerificationRequest,
    CreditCodeState,
    Invitation,
    Organisation,
    OrganisationGoal,
    ServiceProvider,
)
from maturity.models.organisation_import import ImportStatus, OrganisationImport
from maturity.models.plan import PlanRevision, StepStatus
from maturity.models.questionnaire import QuestionnaireVersion
from maturity.models.release import Release
from maturity.models.report import ReportJob, ReportJobItem, ReportJobStatus
from maturity.models.summary import ResultSummary
from maturity.models.user import (
    ApiToken,
    CentreMembership,
    CentreRole,
    EmailLink,
    LinkPurpose,
    Membership,
    MembershipRole,
    TokenScope,
    User,
    UserSession,
)

__all__ = [
    "Answer",
    "AnswerReview",
    "ApiToken",
    "Assessment",
    "AssessmentResult",
    "AssessmentStatus",
    "AssessmentTarget",
    "Attestation",
    "AuditEvent",
    "Centre",
    "CentreMembership",
    "CentreRegistration",
    "CentreRole",
    "CodeVerificationRequest",
    "CreditCodeState",
    "DimensionResult",
    "EmailLink",
    "EvidenceFile",
    "Finding",
    "ImportStatus",
    "Invitation",
    "ItemValue",
    "LinkPurpose",
    "Membership",
    "MembershipRole",
    "Organisation",
    "OrganisationGoal",
    "OrganisationImport",
    "PlanRevision",
    "QuestionnaireVersion",
    "Release",
    "ReportJob",
    "ReportJobItem",
    "ReportJobStatus",
    "ResultSummary",
    "ReviewMethod",
    "ReviewOutcome",
    "ServiceProvider",
    "StepStatus",
    "TokenScope",
    "User",
    "UserSession",
    "Verification",
]
