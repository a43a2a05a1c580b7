"""URLs of the plan builder and the template library (under /clinic/)."""

from django.urls import path

from protocols.builder import exercise_views, plan_views, template_views

app_name = "plans"
urlpatterns = [
    path("cases/<int:case_id>/plan/", plan_views.builder, name="builder"),
    path(
        "cases/<int:case_id>/plan/projection/",
        plan_views.builder_projection,
        name="builder_projection",
    ),
    path(
        "cases/<int:case_id>/plan/exercises/",
        exercise_views.plan_exercises,
        name="exercises",
    ),
    path("plans/criterion-row/", plan_views.criterion_row, name="criterion_row"),
    path("templates/", template_views.template_list, name="templates"),
    path("templates/new/", template_views.template_new, name="template_new"),
    path("templates/projection/", template_views.template_projection, name="template_projection"),
    path("templates/<int:pk>/", template_views.template_detail, name="template"),
    path("templates/<int:pk>/edit/", template_views.template_edit, name="template_edit"),
    path("templates/<int:pk>/publish/", template_views.template_publish, name="template_publish"),
    path(
        "templates/<int:pk>/new-draft/",
        template_views.template_new_draft,
        name="template_new_draft",
    ),
]
