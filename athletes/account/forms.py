"""Forms of the account pages."""

from __future__ import annotations

from django import forms

from athletes import permissions
from athletes.models import Team, User


class ClinicSetupForm(forms.Form):
    name = forms.CharField(
        label="Your clinic's name", max_length=120, help_text="Shown in invitations."
    )


class StaffInvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254)
    kind = forms.ChoiceField(
        label="They are a",
        choices=[(k, v) for k, v in User.Kind.choices if k in permissions.STAFF_KINDS],
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams they follow",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The teams they work with. A coach sees an athlete on the board once on the "
        "athlete's care team (the case page adds them).",
    )

    def __init__(self, *args, clinic_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(clinic_id=clinic_id)


class AthleteInvitationForm(forms.Form):
    email = forms.EmailField(
        label="The athlete's e-mail address",
        max_length=254,
        help_text="It becomes their login. The invitation link is e-mailed, and shown here as a "
        "code to scan with their phone.",
    )


class IntegrationForm(forms.Form):
    name = forms.CharField(
        label="Integration name",
        max_length=120,
        help_text="The system that will call the API, e.g. the club's GPS platform.",
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams it may record data for",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="It reaches the cases of these teams' athletes, nothing else.",
    )

    def __init__(self, *args, clinic_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(clinic_id=clinic_id)


class TeamForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=120)
    sport = forms.CharField(label="Sport", max_length=80, required=False)


class AcceptForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    password = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password_again = forms.CharField(
        label="The password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    stay_signed_in = forms.BooleanField(
        label="Stay signed in on this phone for 30 days", required=False, initial=True
    )

    def __init__(self, *args, athlete: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if athlete:  # their name is on their record already
            del self.fields["first_name"], self.fields["last_name"]
        else:  # staff keep their shorter sessions
            del self.fields["stay_signed_in"]

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label="New e-mail address", max_length=254)
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        taken = User.objects.filter(email__iexact=email) | User.objects.filter(
            username__iexact=email
        )
        if taken.exclude(pk=self.user.pk).exists():
            raise forms.ValidationError("This address belongs to another login.")
        if email == (self.user.email or "").lower():
            raise forms.ValidationError("That is your address already.")
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class LoginForm(forms.Form):
    """Only the "stay signed in" choice; Django's AuthenticationForm checks the password."""

    stay_signed_in = forms.BooleanField(required=False)
