from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from athletes.account.login import LoginView
from monitoring.surfaces.clinic import urls as clinic_urls
from monitoring.surfaces.privacy import urls as privacy_urls
from rehab.busy import handler500 as busy_or_server_error
from rehab.health import healthz
from rehab.views import home

urlpatterns = [
    path("", home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", healthz, name="healthz"),
    path("account/", include("athletes.urls_account", namespace="account")),
    # The clinic's namespace holds the clinic's pages and its consent and data-rights pages.
    path("clinic/", include((clinic_urls.urlpatterns + privacy_urls.urlpatterns, "clinic"))),
    path("clinic/", include("protocols.builder.urls", namespace="plans")),
    path("clinic/", include("monitoring.surfaces.whatif.urls", namespace="whatif")),
    path("me/", include("monitoring.surfaces.athlete.urls", namespace="athlete")),
    path("coach/", include("monitoring.surfaces.coach.urls", namespace="coach")),
    path("care/", include("monitoring.surfaces.care.urls", namespace="care")),
    path("api/", include("rehab.api_urls")),
    path("admin/", admin.site.urls),
]

handler500 = busy_or_server_error
