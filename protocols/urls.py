"""URLs of the plan builder and the template library (under /clinic/)."""

from django.urls import path

from protocols import views

app_name = "plans"
urlpatterns = [
    path("cases/<int:case_id>/plan/", views.builder, name="builder"),
    path(
        "cases/<int:case_id>/plan/projection/",
        views.builder_projection,
        name="builder_projection",
    ),
    path("plans/criterion-row/", views.criterion_row, name="criterion_row"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_new, name="template_new"),
    path("templates/projection/", views.template_projection, name="template_projection"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/publish/", views.template_publish, name="template_publish"),
    path("templates/<int:pk>/new-draft/", views.template_new_draft, name="template_new_draft"),
]
