"""URLs of the care pages (/care/): a case's timeline, notes, reviews, goals, the bone-health
review, a template's education cards and each person's notification settings."""

from django.urls import path

from monitoring.surfaces.care import bone_views, notifications, views

app_name = "care"
urlpatterns = [
    path("settings/", views.notification_settings, name="settings"),
    path("notifications/", notifications.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/read/",
        notifications.notification_read,
        name="notification_read",
    ),
    path("notifications/count/", notifications.notification_count, name="notification_count"),
    path("cases/<int:case_id>/", views.timeline, name="timeline"),
    path("cases/<int:case_id>/notes/", views.note_new, name="note_new"),
    path("cases/<int:case_id>/notes.csv", views.notes_csv, name="notes_csv"),
    path("cases/<int:case_id>/reviews/", views.review_new, name="review_new"),
    path(
        "cases/<int:case_id>/reviews/<int:review_id>/done/",
        views.review_done,
        name="review_done",
    ),
    path(
        "cases/<int:case_id>/reviews/<int:review_id>/cancel/",
        views.review_cancel,
        name="review_cancel",
    ),
    path("cases/<int:case_id>/goals/", views.goal_new, name="goal_new"),
    path("goals/<int:goal_id>/tick/", views.goal_tick, name="goal_tick"),
    path("cases/<int:case_id>/bone-health/", views.bone_health_new, name="bone_health_new"),
    path("cases/<int:case_id>/bone-health/screens/", bone_views.bone_health, name="bone_health"),
    path(
        "cases/<int:case_id>/bone-health/reds/", bone_views.reds_screen_new, name="reds_screen_new"
    ),
    path(
        "cases/<int:case_id>/bone-health/decision/",
        bone_views.decision_new,
        name="bone_health_decision_new",
    ),
    path(
        "cases/<int:case_id>/bone-health/guardian/",
        bone_views.guardian_edit,
        name="guardian_edit",
    ),
    path("templates/<int:pk>/education/", views.template_cards, name="template_cards"),
]
