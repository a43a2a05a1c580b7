"""URLs of the coach pages: the team board, its export, and each athlete's coach view."""

from django.urls import path

from monitoring.surfaces.coach import views

app_name = "coach"
urlpatterns = [
    path("", views.board, name="board"),
    path("board.csv", views.board_csv, name="board_csv"),
    path("athletes/<int:case_id>/", views.athlete, name="athlete"),
    path("athletes/<int:case_id>/restrictions/", views.restrictions, name="restrictions"),
]
