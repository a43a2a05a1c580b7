"""URLs of the clinic pages (the plan builder and template library live in protocols.urls)."""

from django.urls import path

from monitoring.surfaces.clinic import views

app_name = "clinic"
urlpatterns = [
    path("", views.cases, name="cases"),
    path("inbox/", views.inbox, name="inbox"),
    path("nav-counts/", views.nav_counts, name="nav_counts"),
    path("contact/", views.contact, name="contact"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/new/implications/", views.case_implications, name="case_implications"),
    path("cases/<int:case_id>/", views.case, name="case"),
    path("cases/<int:case_id>/decide/", views.case_decide, name="case_decide"),
    path("cases/<int:case_id>/sign-off/", views.case_sign_off, name="case_sign_off"),
    path("cases/<int:case_id>/start-date/", views.case_start_date, name="case_start_date"),
    path("cases/<int:case_id>/undo-decision/", views.case_undo_decision, name="case_undo"),
    path("cases/<int:case_id>/assessments/", views.assessment_new, name="assessment_new"),
    path("cases/<int:case_id>/femoral-neck/", views.femoral_neck_new, name="femoral_neck_new"),
    path(
        "cases/<int:case_id>/flags/<int:flag_id>/acknowledge/",
        views.flag_acknowledge,
        name="flag_acknowledge",
    ),
    path(
        "cases/<int:case_id>/flags/<int:flag_id>/resolve/",
        views.flag_resolve,
        name="flag_resolve",
    ),
]

from monitoring.surfaces.privacy.urls import clinic_urlpatterns as privacy_urlpatterns  # noqa: E402

urlpatterns += privacy_urlpatterns  # consent, data rights, the record of changes
