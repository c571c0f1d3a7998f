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
from maturity.models.report import ReportJob, ReportJobItem, ReportJobStatus
from maturity.models.summary import AggregateGeneration, ResultSummary
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
    "AggregateGeneration",
    "Answer",
    "ApiToken",
    "Assessment",
    "AssessmentResult",
    "AssessmentStatus",
    "AssessmentTarget",
    "AuditEvent",
    "Centre",
    "CentreMembership",
    "CentreRegistration",
    "CentreRole",
    "CodeVerificationRequest",
    "CreditCodeState",
    "DimensionResult",
    "EmailLink",
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
    "ReportJob",
    "ReportJobItem",
    "ReportJobStatus",
    "ResultSummary",
    "ServiceProvider",
    "StepStatus",
    "TokenScope",
    "User",
    "UserSession",
]
