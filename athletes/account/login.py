"""Signing in: Django's login view, plus an athlete's "stay signed in on this phone"."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from athletes.account.invitations import stay_signed_in


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        wanted = self.request.POST.get("stay_signed_in") in {"on", "1", "true"}
        stay_signed_in(self.request, form.get_user(), wanted)
        return response
