"""The account page and the e-mail address change: the new address confirms itself by a
signed link (valid two days) before it replaces the old one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from athletes.account.forms import EmailChangeForm
from athletes.account.tokens import token_context
from athletes.models import User

SALT = "account.email-change"
MAX_AGE = 2 * 24 * 60 * 60


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "account/home.html", token_context(request.user))


@never_cache
@login_required
@sensitive_post_parameters("password")
def email_change(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        signed = signing.dumps({"u": request.user.pk, "e": email}, salt=SALT)
        link = settings.REHAB_BASE_URL.rstrip("/") + reverse(
            "account:email_confirm", kwargs={"signed": signed}
        )
        body = (
            f"Confirm that {email} is your new address for rehab: {link}\n\n"
            "The link works for two days. If you did not ask for this, ignore this e-mail."
        )
        send_mail("[rehab] Confirm your new e-mail address", body, None, [email])
        messages.success(
            request, f"We sent a link to {email}. Your address changes when you open it."
        )
        return redirect("account:home")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "account/email_change.html", {"form": form}, status=status)


@never_cache
@login_required
def email_confirm(request: HttpRequest, signed: str) -> HttpResponse:
    try:
        data = signing.loads(signed, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        messages.error(request, "That link is not valid or has expired. Ask for a new one.")
        return redirect("account:email_change")
    if data.get("u") != request.user.pk:
        messages.error(request, "That link is for another login. Sign in as its owner.")
        return redirect("account:home")
    email = data["e"]
    user = request.user
    try:
        with transaction.atomic():
            taken = User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
            if taken:
                raise IntegrityError
            fields = ["email"]
            if user.username.lower() == (user.email or "").lower():
                user.username = email  # a login that was its address follows the address
                fields.append("username")
            user.email = email
            user.save(update_fields=fields)
    except IntegrityError:
        messages.error(request, "This address belongs to another login now.")
        return redirect("account:email_change")
    messages.success(request, f"Your e-mail address is now {email}.")
    return redirect("account:home")
