"""URLs of the what-if pages (under /clinic/): replay on a case, template drafts on past cases."""

from django.urls import path

from monitoring.surfaces.whatif import views

app_name = "whatif"
urlpatterns = [
    path("cases/<int:case_id>/what-if/", views.case_replay, name="case_replay"),
    path("templates/<int:pk>/trial/", views.template_trial, name="template_trial"),
    path(
        "templates/<int:pk>/trial/<int:trial_id>/progress/",
        views.template_trial_progress,
        name="template_trial_progress",
    ),
]
