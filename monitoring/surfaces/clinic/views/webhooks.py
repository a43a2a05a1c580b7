"""The clinic's webhook endpoints, for its administrators (the same services as
/api/v1/webhooks/): register a URL and its events (the secret shown once), rotate the secret,
send a test event, turn a disabled endpoint on again, delete; the last deliveries of each."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from athletes import permissions
from monitoring.models import WebhookEndpoint
from monitoring.surfaces.clinic.views.common import clinic_page, render_page
from monitoring.webhooks import selectors, services
from monitoring.webhooks.policy import EVENTS
from rehab.errors import ApplicationError

RECENT = 10  # deliveries shown per endpoint


class WebhookForm(forms.Form):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=[(e, e) for e in EVENTS], widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _page(request, form=None, secret=None, status=200):
    endpoints = list(selectors.endpoints_for(request.user).order_by("-created_at", "-id"))
    rows = [(e, list(selectors.deliveries_of(e)[:RECENT])) for e in endpoints]
    context = {"rows": rows, "form": form or WebhookForm(), "secret": secret}
    return render_page(request, "clinic/webhooks.html", context, status=status)


@clinic_page
def webhooks(request):
    if not permissions.can_manage_clinic_webhooks(request.user):
        raise Http404("No such page.")
    if request.method != "POST":
        return _page(request)
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            endpoint = services.endpoint_create(by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            exc.add_to_form(form)
        else:
            return _page(request, secret=(endpoint, endpoint.secret))
    return _page(request, form=form, status=400)


ACTIONS = {"rotate", "test", "enable", "delete"}


@clinic_page
@require_POST
def webhook_action(request, webhook_id: int):
    endpoint = WebhookEndpoint.objects.filter(pk=webhook_id).first()
    if endpoint is None or not permissions.can_manage_endpoint(
        request.user, owner_id=endpoint.owner_id, clinic_id=endpoint.clinic_id
    ):
        raise Http404("No such endpoint.")
    what = request.POST.get("action")
    if what not in ACTIONS:
        messages.error(request, "Choose an action.")
        return redirect("clinic:webhooks")
    try:
        if what == "rotate":
            endpoint = services.endpoint_rotate_secret(endpoint=endpoint, by=request.user)
            return _page(request, secret=(endpoint, endpoint.secret))
        if what == "test":
            services.endpoint_send_test(endpoint=endpoint, by=request.user)
            messages.success(request, "Test event queued: see its delivery below.")
        elif what == "enable":
            services.endpoint_update(endpoint=endpoint, by=request.user, is_active=True)
            messages.success(request, "Turned on again.")
        else:
            services.endpoint_delete(endpoint=endpoint, by=request.user)
            messages.success(request, "Deleted.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("clinic:webhooks")
