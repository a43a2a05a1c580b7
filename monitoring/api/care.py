"""REST API of care-team communication: notes with an audience, scheduled reviews and goals.

The same predicates as the pages decide (``athletes.permissions``): a note is listed only to
those who read its audience; reviews to the care team; goals to clinical roles, the
psychologist and the athlete. Anything else is a 404, as for a case one is not on.
"""

from __future__ import annotations

from functools import cached_property

from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiExample,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from athletes import permissions
from athletes.api.base import ClassifiedSerializer, ScopedCaseFilter, ScopedViewMixin
from athletes.models import Case, User
from athletes.permissions.classification import FieldClass
from monitoring.care import selectors as care
from monitoring.care import services as care_services
from monitoring.models import Flag
from monitoring.models.care import CaseNote, Goal, Review
from rehab.api import (
    AccessViewMixin,
    ErrorSerializer,
    clinical_access,
    idempotent,
    summary_access,
)

# --- examples ----------------------------------------------------------------------------------

NOTE = {
    "id": 41, "case": 7, "audience": "team", "author": "Dana Okafor",
    "body": "Keep runs on grass this week; no intervals until the review.",
    "addressed_to": 12, "addressed_to_name": "Alex Moreau", "flag": None,
    "created_at": "2026-11-20T09:30:00Z",
}  # fmt: skip
NOTE_IN = {"case": 7, "audience": "team", "body": NOTE["body"], "addressed_to": 12}
REVIEW = {
    "access": "clinical", "id": 5, "case": 7, "kind": "visit", "due_on": "2026-11-24",
    "status": "scheduled", "booster": False, "repeat_weeks": None, "note": "Hop test",
    "coach_note": "No training that morning.", "created_at":
    "2026-11-20T09:31:00Z", "done_on": None,
}  # fmt: skip
REVIEW_IN = {
    "case": 7, "kind": "visit", "due_on": "2026-11-24", "note": "Hop test",
    "coach_note": "No training that morning.",
}  # fmt: skip
GOAL = {
    "id": 3, "case": 7, "phase": 31, "text": "30 min brisk walk pain-free by Friday",
    "due_on": "2026-11-27", "done": False, "done_at": None, "created_at": "2026-11-20T09:32:00Z",
}  # fmt: skip
GOAL_IN = {"case": 7, "text": GOAL["text"], "due_on": "2026-11-27"}


def _out(name: str, value: dict) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


def _in(name: str, value: dict) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


# --- notes -----------------------------------------------------------------------------------


class NoteSerializer(ClassifiedSerializer):
    author = serializers.SerializerMethodField(help_text="Who wrote it (empty if they left).")
    addressed_to_name = serializers.SerializerMethodField(help_text="The addressee's name.")

    class Meta:
        model = CaseNote
        reader = "summary"  # the row goes to its audience only (notes_for_cases)
        field_classes = {"author": FieldClass.ROW, "addressed_to_name": FieldClass.ROW}
        fields = [
            "id", "case", "audience", "body", "author", "addressed_to", "addressed_to_name",
            "flag", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_author(self, note: CaseNote) -> str:
        return str(note.author) if note.author else ""

    def get_addressed_to_name(self, note: CaseNote) -> str:
        return str(note.addressed_to) if note.addressed_to else ""


class NoteInputSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), help_text="A case on which you may write notes."
    )
    audience = serializers.ChoiceField(
        choices=CaseNote.Audience.choices,
        help_text="clinical: clinical staff only; team: the whole care team (coach included); "
        "athlete: the team and the athlete.",
    )
    body = serializers.CharField(max_length=4000)
    addressed_to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        help_text="A care-team member of the case who may read this audience (e-mailed).",
    )
    flag = serializers.PrimaryKeyRelatedField(
        queryset=Flag.objects.none(),
        required=False,
        allow_null=True,
        help_text="A flag of the same case the note is about.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            ids = view.scope.case_ids(lambda u, c: permissions.can_write_note(u, c))
            self.fields["case"].queryset = Case.objects.filter(pk__in=ids)
            self.fields["addressed_to"].queryset = User.objects.filter(
                care_roles__case_id__in=ids
            ).distinct()
            flag_ids = view.scope.case_ids(
                lambda u, c: (
                    permissions.can_write_note(u, c)
                    and permissions.can_view_field(u, c, "flag_kinds")
                )
            )
            self.fields["flag"].queryset = Flag.objects.filter(case_id__in=flag_ids)


class NoteFilter(filters.FilterSet):
    case = ScopedCaseFilter()
    audience = filters.ChoiceFilter(choices=CaseNote.Audience.choices)

    class Meta:
        model = CaseNote
        fields = ["case", "audience"]


@extend_schema_view(
    list=extend_schema(
        summary="List notes",
        description="Notes on your cases that your role reads: clinical roles read every "
        "audience; coach, nutritionist and psychologist the team's and the athlete's; the "
        "athlete only those written for the athlete. Newest first.",
        examples=[_out("A note for the whole care team", NOTE)],
    ),
    retrieve=extend_schema(summary="Get a note", examples=[_out("A note", NOTE)]),
    create=extend_schema(
        summary="Write a note",
        request=NoteInputSerializer,
        responses={201: NoteSerializer, 400: ErrorSerializer},
        description="For an audience you read yourself; addressed to someone who may read it.",
        examples=[_in("A note to the coach", NOTE_IN), _out("The note written", NOTE)],
    ),
)
class NoteViewSet(ScopedViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    records_access = True  # a detail read is in the access log
    serializer_class = NoteSerializer
    filterset_class = NoteFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return CaseNote.objects.none()
        return care.notes_for_cases(self.request.user, self.scope.cases)

    @idempotent
    def create(self, request, *args, **kwargs):
        data = NoteInputSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        note = care_services.note_create(
            case=self.scope.case(values["case"].pk),
            author=request.user,
            audience=values["audience"],
            body=values["body"],
            addressed_to=values.get("addressed_to"),
            flag=values.get("flag"),
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


# --- reviews ---------------------------------------------------------------------------------


class ReviewSummarySerializer(ClassifiedSerializer):
    """A review's date and status for the whole care team, with the clinicians' note for them
    (`coach_note`); its kind and clinical note are the clinical team's."""

    access = summary_access()

    class Meta:
        model = Review
        reader = "summary"
        fields = [
            "access", "id", "case", "due_on", "status", "coach_note", "created_at", "done_on",
        ]  # fmt: skip
        read_only_fields = fields


class ReviewClinicalSerializer(ReviewSummarySerializer):
    access = clinical_access()

    class Meta(ReviewSummarySerializer.Meta):
        reader = "clinical"
        fields = [*ReviewSummarySerializer.Meta.fields, "kind", "note", "booster", "repeat_weeks"]
        read_only_fields = fields


REVIEW_RESPONSE = PolymorphicProxySerializer(
    component_name="Review",
    serializers=[ReviewClinicalSerializer, ReviewSummarySerializer],
    resource_type_field_name="access",
)


class ReviewInputSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), help_text="A case on which you schedule reviews."
    )
    kind = serializers.ChoiceField(choices=Review.Kind.choices)
    due_on = serializers.DateField(help_text="Today or later.")
    booster = serializers.BooleanField(
        default=False, help_text="A follow-up after return (full-return phase only)."
    )
    repeat_weeks = serializers.IntegerField(
        min_value=1, max_value=52, required=False, allow_null=True
    )
    note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="For the clinical team."
    )
    coach_note = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="For the whole care team, coach included (never clinical detail).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            ids = view.scope.case_ids(permissions.can_schedule_review)
            self.fields["case"].queryset = Case.objects.filter(pk__in=ids)


class ReviewFilter(filters.FilterSet):
    case = ScopedCaseFilter()
    status = filters.ChoiceFilter(choices=Review.Status.choices)

    class Meta:
        model = Review
        fields = ["case", "status"]


@extend_schema_view(
    list=extend_schema(
        summary="List reviews",
        description="Scheduled and past reviews. The case's clinical roles and its athlete get "
        "the clinical view (the kind and the clinical note); the rest of the care team the "
        "summary: date, status and `coach_note`, the text the clinicians wrote for them.",
        responses=REVIEW_RESPONSE,
        examples=[
            _out("A clinic visit", REVIEW),
            _out(
                "The summary view",
                {k: v for k, v in REVIEW.items() if k not in {"kind", "note"}}
                | {"access": "summary"},
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="Get a review", responses=REVIEW_RESPONSE, examples=[_out("A review", REVIEW)]
    ),
    create=extend_schema(
        summary="Schedule a review",
        request=ReviewInputSerializer,
        responses={201: ReviewClinicalSerializer, 400: ErrorSerializer},
        examples=[_in("A clinic visit", REVIEW_IN), _out("The review scheduled", REVIEW)],
    ),
    done=extend_schema(
        summary="Mark a review done",
        request=None,
        responses={200: REVIEW_RESPONSE, 400: ErrorSerializer},
        description="A repeating booster schedules its next review; the response is that one.",
        examples=[_out("Done", REVIEW | {"status": "done", "done_on": "2026-11-24"})],
    ),
)
class ReviewViewSet(
    ScopedViewMixin, AccessViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    clinical_serializer_class = ReviewClinicalSerializer
    summary_serializer_class = ReviewSummarySerializer
    serializer_class = ReviewSummarySerializer
    filterset_class = ReviewFilter
    ordering_fields = ["due_on", "id"]
    ordering = ["due_on", "id"]
    action_predicates = {"done": permissions.can_schedule_review}

    def get_queryset(self):
        return Review.objects.filter(case_id__in=self.scope.case_ids(permissions.can_view_reviews))

    def sees_clinical(self, review: Review) -> bool:
        return review.case_id in self.clinical_cases

    @cached_property
    def clinical_cases(self) -> set[int]:
        return self.scope.case_ids(permissions.can_view_clinical)

    @idempotent
    def create(self, request, *args, **kwargs):
        data = ReviewInputSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        review = care_services.review_schedule(
            case=self.scope.case(values["case"].pk),
            by=request.user,
            kind=values["kind"],
            due_on=values["due_on"],
            booster=values.get("booster", False),
            repeat_weeks=values.get("repeat_weeks"),
            note=values.get("note", ""),
            coach_note=values.get("coach_note", ""),
        )
        return Response(ReviewClinicalSerializer(review).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def done(self, request, pk=None, format=None):
        review = self.get_object()
        review.case = self.scope.case(review.case_id)
        following = care_services.review_complete(review=review, by=request.user)
        return Response(self.represent(following or review))


# --- goals -----------------------------------------------------------------------------------


class GoalSerializer(ClassifiedSerializer):
    done = serializers.SerializerMethodField()

    class Meta:
        model = Goal
        reader = "summary"  # the row goes to can_view_goals's readers only
        field_classes = {"done": FieldClass.ROW}
        fields = ["id", "case", "phase", "text", "due_on", "done", "done_at", "created_at"]
        read_only_fields = fields

    def get_done(self, goal: Goal) -> bool:
        return goal.done_at is not None


class GoalInputSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), help_text="A case on which you set goals."
    )
    text = serializers.CharField(max_length=140)
    due_on = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None:
            ids = view.scope.case_ids(permissions.can_set_goal)
            self.fields["case"].queryset = Case.objects.filter(pk__in=ids)


class GoalTickSerializer(serializers.Serializer):
    done = serializers.BooleanField(default=True)


class GoalFilter(filters.FilterSet):
    case = ScopedCaseFilter()

    class Meta:
        model = Goal
        fields = ["case"]


@extend_schema_view(
    list=extend_schema(
        summary="List goals",
        description="Goals per phase of your cases.",
        examples=[_out("A goal", GOAL)],
    ),
    retrieve=extend_schema(summary="Get a goal", examples=[_out("A goal", GOAL)]),
    create=extend_schema(
        summary="Set a goal for the current phase",
        request=GoalInputSerializer,
        responses={201: GoalSerializer, 400: ErrorSerializer},
        examples=[_in("A goal for this phase", GOAL_IN), _out("The goal set", GOAL)],
    ),
    tick=extend_schema(
        summary="Tick a goal (or untick it)",
        request=GoalTickSerializer,
        responses={200: GoalSerializer, 400: ErrorSerializer},
        examples=[
            _in("Done", {"done": True}),
            _out("Ticked", GOAL | {"done": True, "done_at": "2026-11-26T18:00:00Z"}),
        ],
    ),
)
class GoalViewSet(ScopedViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    records_access = True  # a detail read is in the access log
    serializer_class = GoalSerializer
    filterset_class = GoalFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["created_at", "id"]
    action_predicates = {"tick": permissions.can_tick_goal}

    def get_queryset(self):
        return Goal.objects.filter(case_id__in=self.scope.case_ids(permissions.can_view_goals))

    @idempotent
    def create(self, request, *args, **kwargs):
        data = GoalInputSerializer(data=request.data, context={"view": self})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        goal = care_services.goal_create(
            case=self.scope.case(values["case"].pk),
            by=request.user,
            text=values["text"],
            due_on=values.get("due_on"),
        )
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def tick(self, request, pk=None, format=None):
        goal = self.get_object()
        goal.case = self.scope.case(goal.case_id)
        data = GoalTickSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        goal = care_services.goal_tick(goal=goal, by=request.user, done=data.validated_data["done"])
        return Response(GoalSerializer(goal).data)
