"""The REST API under /api/v1/, its OpenAPI schema (/api/schema/) and its docs (/api/docs/).

The docs' assets come from drf-spectacular-sidecar, served by this server: they work offline.
"""

import json

from django.conf import settings
from django.urls import include, path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from oauth2_provider import views as oauth2_views

from athletes.api.athletes import AthleteViewSet
from athletes.api.care_team import CareTeamMemberViewSet
from athletes.api.invitations import InvitationViewSet
from monitoring.api.assessments import AssessmentViewSet
from monitoring.api.batteries import BatteryViewSet
from monitoring.api.bone_health import BoneHealthViewSet, CycleEntryViewSet
from monitoring.api.care import GoalViewSet, NoteViewSet, ReviewViewSet
from monitoring.api.cases import CaseViewSet
from monitoring.api.exercises import ExerciseCompletionViewSet
from monitoring.api.fhir_views import urlpatterns as fhir_urls
from monitoring.api.flags import FlagViewSet
from monitoring.api.gait import GaitCheckViewSet
from monitoring.api.logs import DailyLogViewSet
from monitoring.api.metrics import DeviceMetricViewSet
from monitoring.api.plans import PlanViewSet
from monitoring.api.readiness import ReadinessViewSet
from monitoring.api.return_decisions import ReturnDecisionViewSet
from monitoring.api.sessions import ActivitySessionViewSet
from monitoring.api.webhooks import WebhookEndpointViewSet
from monitoring.api.workup import (
    BoneResultViewSet,
    EnergyAvailabilityViewSet,
    WorkupTaskViewSet,
)
from protocols.api.exercises import ExerciseViewSet
from protocols.api.templates import ProtocolTemplateViewSet
from rehab.api import TokenView, router

router.register("athletes", AthleteViewSet, basename="athlete")
router.register("cases", CaseViewSet, basename="case")
router.register("care-team-members", CareTeamMemberViewSet, basename="care-team-member")
router.register("templates", ProtocolTemplateViewSet, basename="template")
router.register("plans", PlanViewSet, basename="plan")
router.register("daily-logs", DailyLogViewSet, basename="daily-log")
router.register("sessions", ActivitySessionViewSet, basename="session")
router.register("device-metrics", DeviceMetricViewSet, basename="device-metric")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("batteries", BatteryViewSet, basename="battery")
router.register("gait-checks", GaitCheckViewSet, basename="gait-check")
router.register("flags", FlagViewSet, basename="flag")
router.register("notes", NoteViewSet, basename="note")
router.register("reviews", ReviewViewSet, basename="review")
router.register("goals", GoalViewSet, basename="goal")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
router.register("bone-health", BoneHealthViewSet, basename="bone-health")
router.register("cycle-entries", CycleEntryViewSet, basename="cycle-entry")
router.register("bone-results", BoneResultViewSet, basename="bone-result")
router.register("energy-availability", EnergyAvailabilityViewSet, basename="energy-availability")
router.register("workup-tasks", WorkupTaskViewSet, basename="workup-task")
router.register("return-decisions", ReturnDecisionViewSet, basename="return-decision")
router.register("readiness-questionnaires", ReadinessViewSet, basename="readiness-questionnaire")
router.register("exercises", ExerciseViewSet, basename="exercise")
router.register("exercise-completions", ExerciseCompletionViewSet, basename="exercise-completion")


class OfflineSwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI that never calls out (no online spec validator badge), with its start-up
    script served from this URL (``?script``) rather than inline: the content security policy
    runs no inline script without a nonce."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        swagger_settings = getattr(settings, "SPECTACULAR_SETTINGS", {}).get(
            "SWAGGER_UI_SETTINGS", {"deepLinking": True}
        )
        if "settings" in response.data and isinstance(swagger_settings, dict):
            response.data["settings"] = json.dumps({**swagger_settings, "validatorUrl": None})
        return response


urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="api-token"),
    # OAuth2 (RFC 6749 section 4.4, client credentials): django-oauth-toolkit's token endpoint,
    # its answers and errors in OAuth2's form ({"access_token": ...}, {"error": ...}).
    path("v1/oauth/token/", oauth2_views.TokenView.as_view(), name="api-oauth-token"),
    path("v1/oauth/revoke/", oauth2_views.RevokeTokenView.as_view(), name="api-oauth-revoke"),
    path("v1/", include(([*router.urls, *fhir_urls], "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", OfflineSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
