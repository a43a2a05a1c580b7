"""URLs of the clinic's consent and data-rights pages (``rehab.urls`` mounts them in the clinic's
namespace)."""

from django.urls import path

from monitoring.surfaces.privacy import views

urlpatterns = [
    path("cases/<int:case_id>/privacy/", views.case_privacy, name="case_privacy"),
    path("cases/<int:case_id>/record/", views.case_record, name="case_record"),
    path("cases/<int:case_id>/export/", views.case_export, name="case_export"),
    path("cases/<int:case_id>/erase/", views.case_erase, name="case_erase"),
]
