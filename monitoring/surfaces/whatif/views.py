"""What-if pages: replay a criterion change on a case, try a template draft on past cases.

Thin: parse the forms, ask the predicates, call ``monitoring.evaluation.whatif``, render. Who may:
- replay and save a change: people who may edit the case's plan
  (``athletes.permissions.can_edit_plan``); anyone off the care team, a coach or an integration
  gets 404 (as on the case page), other members 403;
- try a template draft: people who may edit templates
  (``athletes.permissions.can_edit_template_library``); everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from athletes import permissions
from athletes.models import Case
from athletes.selectors import clinic_case_for_user
from athletes.services.access import What, record_access
from monitoring.charts import CONFIG
from monitoring.evaluation import whatif, whatif_trials
from monitoring.ingest.checks import athlete_today
from monitoring.navigation import clinic_nav_context
from monitoring.surfaces.whatif.forms import ReplayEditor
from protocols.models import ProtocolTemplate
from protocols.whatif_models import TemplateTrial
from rehab.errors import ApplicationError


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- replay a criterion change -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_replay(request: HttpRequest, case_id: int) -> HttpResponse:
    case = clinic_case_for_user(request.user, case_id)
    if not permissions.can_edit_plan(request.user, case):
        raise PermissionDenied("Only the case's clinicians and physiotherapists replay its plan.")
    record_access(request, case, What.REPLAY)
    data = request.POST if request.method == "POST" else request.GET
    phase_id = _int(data.get("phase"))
    try:
        ctx = whatif.replay_context(case, today=athlete_today(case.athlete), phase_id=phase_id)
    except ApplicationError as exc:
        if phase_id is not None:  # a phase the case never spent days in: ask again
            return redirect(reverse("whatif:case_replay", kwargs={"case_id": case.pk}))
        return _render(request, "clinic/whatif/replay.html", {"case": case, "problem": exc.message})
    high_risk = case.risk == Case.Risk.HIGH
    phase = ctx.chosen.phase  # type: ignore[union-attr]
    status = 200
    comparison = None
    op = request.POST.get("op", "") if request.method == "POST" else ""
    # A phase picked from the list starts from its stored settings.
    if request.method == "POST" and request.POST.get("loaded") == str(phase.pk):
        editor = ReplayEditor(data=request.POST, high_risk=high_risk)
    else:
        editor = ReplayEditor(stored=phase.spec_fields(), high_risk=high_risk)
        op = ""
    if op.startswith(("add_crit", "remove_crit")):
        editor = editor.with_op(op, high_risk=high_risk)
    elif not editor.is_bound:
        comparison = whatif.replay_compare(ctx, ctx.spec)
    elif editor.is_valid() and (spec := editor.spec(name=phase.name, warn_when=phase.warn_when)):
        if op == "save":
            saved = _save(request, ctx, editor)
            if saved is not None:
                return saved
            status = 400
        comparison = whatif.replay_compare(ctx, spec)
    else:
        status = 400
    return _render(
        request,
        "clinic/whatif/replay.html",
        {
            "case": case,
            "ctx": ctx,
            "phase": phase,
            "editor": editor,
            "comparison": comparison,
            "not_a_prediction": whatif.NOT_A_PREDICTION,
        },
        status=status,
    )


def _save(request: HttpRequest, ctx: whatif.ReplayContext, editor: ReplayEditor):
    if not editor.reason:
        editor.form.add_error("reason", "Say why the plan changes: the reason is kept with it.")
        return None
    try:
        edit = whatif.replay_save(
            ctx=ctx, changed=editor.changed(), edited_by=request.user, reason=editor.reason
        )
    except ApplicationError as exc:
        editor.errors += [exc.message, *(m for ms in exc.errors.values() for m in ms)]
        return None
    if edit is None:
        messages.info(request, "Nothing changed: the plan is as it was.")
    else:
        messages.success(
            request, f"“{ctx.chosen.phase.name}” changed in the plan; the change is in the history."
        )
    return redirect(reverse("clinic:case", kwargs={"case_id": ctx.case.pk}) + "#history")


def _render(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, template, {**clinic_nav_context(request.user), **context}, status=status)


# --- a template draft tried on past cases --------------------------------------------------------


def _trial_template(request: HttpRequest, pk: int) -> ProtocolTemplate:
    if not permissions.can_edit_template_library(request.user):
        raise Http404("No such page.")
    template = ProtocolTemplate.objects.filter(pk=pk).prefetch_related("phases").first()
    if template is None:
        raise Http404("No such template.")
    return template


def trial_chart(trial: TemplateTrial, names: list[str]) -> str:
    """Days each phase would have been ready earlier (below 0) or later (above 0) under the
    draft, one bar per case and phase."""
    fig = go.Figure()
    for case in trial.results or []:
        xs, ys, texts = [], [], []
        for p in case.get("phases", []):
            if p["shift"] is None or not 1 <= p["order"] <= len(names):
                continue
            xs.append(f"{p['order']}. {names[p['order'] - 1]}")
            ys.append(p["shift"])
            texts.append(f"{p['shift']:+d} d")
        if xs:
            fig.add_bar(x=xs, y=ys, name=f"Case {case['case']} · {case['site']}", text=texts)
    fig.update_layout(
        barmode="group",
        height=340,
        margin={"l": 55, "r": 10, "t": 40, "b": 40},
        title={"text": "Ready earlier (−) or later (+) under the draft, days", "x": 0},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        legend={"orientation": "h", "y": -0.25, "x": 0},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"},
    )
    fig.update_yaxes(gridcolor="#eaecf0", zeroline=True, zerolinecolor="#667085")
    return fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG)


DATE_KEYS = ("start", "end", "ready_as_was", "ready_draft")


def _dated(phase: dict) -> dict:
    """A stored phase result with its ISO dates as dates, for the template to format."""
    return {
        **phase,
        **{k: dt.date.fromisoformat(phase[k]) if phase.get(k) else None for k in DATE_KEYS},
    }


def _trial_context(request: HttpRequest, template: ProtocolTemplate, trial: TemplateTrial | None):
    names = [p.name for p in sorted(template.phases.all(), key=lambda p: p.order)]
    context = {
        "template": template,
        "trial": trial,
        "names": names,
        "not_a_prediction": whatif.NOT_A_PREDICTION,
    }
    if trial is not None and trial.results:
        visible = whatif.visible_case_ids(request.user, (r["case"] for r in trial.results))
        context["summary"] = summary = whatif_trials.trial_summary(trial, names)
        context["totals"] = {
            key: sum(getattr(row, key) for row in summary)
            for key in ("compared", "earlier", "later", "new_regressions", "gone_regressions")
        }
        context["cases"] = [
            {**r, "named": r["case"] in visible, "phases": [_dated(p) for p in r["phases"]]}
            for r in trial.results
        ]
        context["chart"] = trial_chart(trial, names)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def template_trial(request: HttpRequest, pk: int) -> HttpResponse:
    template = _trial_template(request, pk)
    here = reverse("whatif:template_trial", kwargs={"pk": template.pk})
    if request.method == "POST":
        try:
            whatif_trials.trial_request(template=template, requested_by=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect(here)
    trial = TemplateTrial.objects.filter(template=template).select_related("requested_by").first()
    return render(
        request,
        "clinic/whatif/trial.html",
        {**clinic_nav_context(request.user), **_trial_context(request, template, trial)},
    )


@login_required
@require_GET
def template_trial_progress(request: HttpRequest, pk: int, trial_id: int) -> HttpResponse:
    """The progress bar (htmx polling); once the trial has finished the page reloads to show
    the results."""
    template = _trial_template(request, pk)
    trial = TemplateTrial.objects.filter(pk=trial_id, template=template).first()
    if trial is None:
        raise Http404("No such trial.")
    response = render(request, "clinic/whatif/_trial_progress.html", {"trial": trial})
    if trial.finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response
