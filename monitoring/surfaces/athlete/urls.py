"""URLs of the athlete pages (/me/): today, the daily log, what's next, progress, the app."""

from django.urls import path

from monitoring.surfaces.athlete import exercises, files, sharing, shoes, thread, views

app_name = "athlete"
urlpatterns = [
    path("", views.today, name="today"),
    path("log/", views.log, name="log"),
    path("log/<str:day>/", views.log, name="log"),
    path("log/<str:day>/saved/", views.logged, name="logged"),
    path("next/", views.whats_next, name="next"),
    path("progress/", views.progress, name="progress"),
    path("reminder/", views.reminder, name="reminder"),
    path("time-zone/", views.time_zone, name="time_zone"),
    path("push/", views.push, name="push"),
    path("offline/", views.offline, name="offline"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="sw"),
    path("sharing/", sharing.sharing, name="sharing"),
    path("shoes/", shoes.shoes, name="shoes"),
    path("files/", files.files, name="files"),
    path("messages/", thread.thread, name="messages"),
    path("shoes/<int:shoe_id>/", shoes.shoe_state, name="shoe"),
    path("exercises/tick/", exercises.tick, name="exercise_tick"),
]
