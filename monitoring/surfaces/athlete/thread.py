"""The athlete's messages with their care team (/me/messages/): the case's thread (the notes
written for the athlete and the athlete's own messages), oldest first, and a box to write."""

from __future__ import annotations

from django.contrib import messages as flash
from django.shortcuts import redirect, render

from athletes import permissions
from monitoring.care import selectors as care
from monitoring.care.services import message_send
from monitoring.surfaces.athlete import view_models as pages
from monitoring.surfaces.athlete.forms import MessageForm
from monitoring.surfaces.athlete.views import athlete_page, base_context
from rehab.errors import ApplicationError

SHOWN = 100  # the latest messages of the thread on the page


@athlete_page
def thread(request, ctx):
    case = ctx.case
    can_write = case is not None and permissions.can_write_message(request.user, case)
    form = MessageForm(request.POST or None, initial={"reply_to": request.GET.get("reply")})
    status = 200
    if request.method == "POST":
        if not can_write:
            status = 403
        elif form.is_valid():
            reply_to = care.thread_message(case, form.cleaned_data.get("reply_to"))
            try:
                message_send(
                    case=case,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    reply_to=reply_to,
                )
            except ApplicationError as exc:
                exc.add_to_form(form)
                status = 400
            else:
                flash.success(request, "Sent to your care team.")
                return redirect("athlete:messages")
        else:
            status = 400
    notes = []
    if case is not None and permissions.can_read_note(request.user, case, "athlete"):
        notes = list(care.thread(case).order_by("-created_at", "-id")[:SHOWN])[::-1]
    reply_to = next((n for n in notes if str(n.pk) == str(form["reply_to"].value())), None)
    if reply_to is not None and request.method == "GET":  # "Reply" opens the box to type in
        form.fields["body"].widget.attrs["autofocus"] = True
    context = base_context(
        ctx,
        "today",
        form=form,
        notes=notes,
        can_write=can_write,
        replying=reply_to,
        # Messages are not watched around the clock: whom to call is on this page too.
        contacts=pages.clinical_contacts(case) if case is not None else [],
        urgent_care=pages.URGENT_CARE,
    )
    return render(request, "athlete/messages.html", context, status=status)
