"""URLs of a person's own account security (/account/): the optional second factor."""

from django.urls import path

from athletes import two_factor

app_name = "account"
urlpatterns = [
    path("two-factor/", two_factor.setup, name="two_factor"),
    path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
]
