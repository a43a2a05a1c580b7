"""URLs of a person's account (/account/): invitations, the clinic's page, the optional second
factor, the password and the e-mail address."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from athletes import two_factor
from athletes.account import clinic, email, invitations, protocols, tokens

app_name = "account"
urlpatterns = [
    path("two-factor/", two_factor.setup, name="two_factor"),
    path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("invitation/<str:token>/", invitations.accept, name="invitation"),
    path("athletes/<int:athlete_id>/invite/", invitations.athlete_invite, name="athlete_invite"),
    path(
        "athletes/<int:athlete_id>/invite/<int:invitation_id>/again/",
        invitations.athlete_invite_resend,
        name="athlete_invite_resend",
    ),
    path("clinic/", clinic.clinic, name="clinic"),
    path("clinic/setup/", clinic.setup, name="clinic_setup"),
    path("clinic/invite/", clinic.invite_staff, name="invite_staff"),
    path(
        "clinic/invitations/<int:invitation_id>/again/",
        clinic.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "clinic/invitations/<int:invitation_id>/revoke/",
        clinic.invitation_revoke,
        name="invitation_revoke",
    ),
    path("clinic/teams/", clinic.team_create, name="team_create"),
    path("clinic/protocols/", protocols.clinic_protocols, name="clinic_protocols"),
    path("clinic/integrations/", clinic.integration_create, name="integration_create"),
    path(
        "clinic/integrations/<int:user_id>/revoke/",
        clinic.integration_revoke,
        name="integration_revoke",
    ),
    path("", email.account, name="home"),
    path("api-token/new/", tokens.token_new, name="token_new"),
    path("api-token/revoke/", tokens.token_revoke_view, name="token_revoke"),
    path("email/", email.email_change, name="email_change"),
    path("email/confirm/<str:signed>/", email.email_confirm, name="email_confirm"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="account/password_change.html",
            success_url=reverse_lazy("account:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="account/password_done.html"),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="account/password_reset.html",
            email_template_name="account/password_reset_email.txt",
            subject_template_name="account/password_reset_subject.txt",
            success_url=reverse_lazy("account:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="account/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="account/password_reset_confirm.html",
            success_url=reverse_lazy("account:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="account/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
