"""The athlete's watch files (/me/files/): upload a FIT, GPX or TCX file and it becomes a session
(``monitoring.ingest.files``); the latest uploads are listed with the session each made."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from monitoring.ingest.activity_parsers import MAX_BYTES
from monitoring.ingest.files import activity_file_upload, athlete_files
from monitoring.surfaces.athlete.views import athlete_page, base_context
from rehab.errors import ApplicationError


class ActivityFileForm(forms.Form):
    file = forms.FileField(
        label="Watch file",
        help_text=f"A FIT, GPX or TCX file from your watch or its app, up to "
        f"{MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".fit,.gpx,.tcx"}),
        error_messages={"required": "Choose a file to upload.", "empty": "The file is empty."},
    )


@athlete_page
def files(request, ctx):
    posted = request.method == "POST"
    form = ActivityFileForm(request.POST, request.FILES) if posted else ActivityFileForm()
    status = 200
    if posted:
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record, created = activity_file_upload(
                    athlete=ctx.athlete, upload=upload, name=upload.name or "",
                    submitted_by=request.user,
                )  # fmt: skip
            except ApplicationError as exc:
                exc.add_to_form(form)
            else:
                session = record.session
                said = "Added" if created else "Already added"
                messages.success(request, f"{said}: {session} from your watch file.")
                return redirect("athlete:files")
        status = 400
    context = base_context(ctx, "progress", form=form, uploads=athlete_files(ctx.athlete))
    return render(request, "athlete/files.html", context, status=status)
