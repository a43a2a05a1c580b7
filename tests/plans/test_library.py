"""The template library: who may read and edit it; list, view, drafts, versions, publishing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from athletes.models import User
from protocols.engine import criteria
from protocols.models import ProtocolTemplate
from tests.factories import UserFactory
from tests.plans.conftest import make_template
from tests.plans.formdata import form_data

LIST = reverse("plans:templates")
NEW = reverse("plans:template_new")


def detail(t) -> str:
    return reverse("plans:template", kwargs={"pk": t.pk})


def edit(t) -> str:
    return reverse("plans:template_edit", kwargs={"pk": t.pk})


def publish(t) -> str:
    return reverse("plans:template_publish", kwargs={"pk": t.pk})


def new_draft(t) -> str:
    return reverse("plans:template_new_draft", kwargs={"pk": t.pk})


@pytest.fixture
def author(db):
    """A clinician of the clinic (templates are clinic-wide: no case is needed)."""
    return UserFactory(username="ines", kind=User.Kind.CLINICIAN)


@pytest.fixture
def published(author):
    return make_template(
        author,
        slug="tibia-lib",
        name="Tibia library protocol",
        citations=("Hoenig T et al. Return to sport following BSIs. BJSM 2023;57:427-32.",),
    )


@pytest.fixture
def draft(author):
    return make_template(author, slug="draft-lib", name="Draft protocol", publish=False)


# --- who may do what ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, published):
    urls = [LIST, NEW, detail(published), edit(published)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for url in (publish(published), new_draft(published)):
        response = client.post(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("kind", ["clinician", "physio", "nutritionist", "psychologist"])
def test_clinic_staff_read_the_library(client, kind, published):
    client.force_login(UserFactory(username=f"reader-{kind}", kind=kind))
    assert client.get(LIST).status_code == 200
    assert client.get(detail(published)).status_code == 200


@pytest.mark.parametrize("kind", ["coach", "athlete", "integration"])
def test_others_cannot_open_the_library(client, kind, published):
    client.force_login(UserFactory(username=f"other-{kind}", kind=kind))
    assert client.get(LIST).status_code == 403
    assert client.get(detail(published)).status_code == 403
    assert client.get(NEW).status_code == 403


@pytest.mark.parametrize("kind", ["nutritionist", "psychologist", "coach"])
def test_only_clinicians_and_physios_change_templates(client, kind, published, draft):
    client.force_login(UserFactory(username=f"ro-{kind}", kind=kind))
    assert client.get(NEW).status_code == 403
    assert client.get(edit(draft)).status_code == 403
    assert client.post(publish(draft)).status_code == 403
    assert client.post(new_draft(published)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert ProtocolTemplate.objects.filter(slug=published.slug).count() == 1
    if kind != "coach":
        assert b"New template" not in client.get(LIST).content


def test_the_outsider_clinician_may_edit_templates_they_are_clinic_wide(client, outsider, draft):
    client.force_login(outsider)
    assert client.get(edit(draft)).status_code == 200


def test_unknown_template_is_404(client, author):
    client.force_login(author)
    assert client.get(reverse("plans:template", kwargs={"pk": 999999})).status_code == 404


# --- list and view -------------------------------------------------------------------------------


def test_list_shows_versions_sites_risk_variant_phases_and_days(client, author, published, draft):
    make_template(
        author,
        slug="cons-lib",
        name="Conservative navicular",
        risk="high",
        sites=("navicular", "talus"),
        conservative=True,
        n_phases=6,
    )
    client.force_login(author)
    html = client.get(LIST).content.decode()
    published_part, _, rest = html.partition('<h2 id="grp-2"')
    assert "Tibia library protocol" in published_part and "Draft protocol" in rest
    assert "Navicular, Talus (lateral process)" in html
    assert "Conservative" in html and "High risk" in html
    # 4 phases of 10 + 21 + 21 + 7 typical days; 6 phases: 59 + 10 + 21.
    assert '<td data-label="Typical days" class="num">59</td>' in html
    assert '<td data-label="Typical days" class="num">90</td>' in html
    assert '<td data-label="Phases" class="num">6</td>' in html


def test_view_describes_criteria_in_plain_sentences_with_full_citations(client, author, published):
    client.force_login(author)
    html = client.get(detail(published)).content.decode()
    walk_run = published.phases.get(name="Walk-run")
    for item in walk_run.advance_when + walk_run.regress_when:
        assert criteria.describe(item).replace("'", "&#x27;") in html
    assert "Hoenig T et al. Return to sport following BSIs. BJSM 2023;57:427-32." in html
    assert '"kind"' not in html and "advance_when" not in html
    assert "Make a new draft version" in html
    assert 'class="pill rf"' in html, "red-flag rules are marked"


# --- drafts, versions, publishing ----------------------------------------------------------------


def test_create_a_draft_through_the_forms(client, author):
    client.force_login(author)
    response = client.get(NEW)
    data = form_data(response.content, "plan-form")
    assert data["ph-count"] == "1" and data["ph-0-advance_when-0-kind"] == "min_days_in_phase"
    data.update({"name": "Fibula walk-run", "sites": ["fibula"], "risk": "low", "op": "save"})
    data["citations"] = "Reference one.\nReference two."
    data["ph-0-advance_when-0-days"] = "0"
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert "Minimum days must be between 1 and 365." in response.content.decode()
    assert not ProtocolTemplate.objects.filter(name="Fibula walk-run").exists()
    data["ph-0-advance_when-0-days"] = "10"
    data["ph-0-min_days"] = "10"
    response = client.post(NEW, data)
    template = ProtocolTemplate.objects.get(name="Fibula walk-run")
    assert response.status_code == 302 and response.url == detail(template)
    assert (template.slug, template.status, template.version) == ("fibula-walk-run", "draft", 1)
    assert template.citations == ["Reference one.", "Reference two."]
    assert template.created_by == author
    phase = template.phases.get()
    assert phase.advance_when == [{"kind": "min_days_in_phase", "days": 10}]


def test_template_fields_errors_show_on_their_inputs(client, author):
    client.force_login(author)
    data = form_data(client.get(NEW).content, "plan-form")
    data.update({"name": "", "op": "save"})
    response = client.post(NEW, data)
    form = response.context["form"]
    assert form.errors["name"] == ["Give the template a name."]
    assert form.errors["sites"] == ["Choose at least one injury site from the list."]


def test_a_taken_short_name_is_refused(client, author, published):
    client.force_login(author)
    data = form_data(client.get(NEW).content, "plan-form")
    data.update({"name": "Another", "slug": published.slug, "sites": ["fibula"], "op": "save"})
    data["risk"] = "low"
    response = client.post(NEW, data)
    assert response.context["form"].errors["slug"] == ["Choose another one."]


def test_edit_a_draft_through_the_same_forms(client, author, draft):
    client.force_login(author)
    data = form_data(client.get(edit(draft)).content, "plan-form")
    assert data["name"] == "Draft protocol" and data["ph-count"] == "4"
    data["ph-1-advance_when-1-max"] = "3"
    data["op"] = "remove_phase:3"
    data = form_data(client.post(edit(draft), data).content, "plan-form")
    data["op"] = "save"
    response = client.post(edit(draft), data)
    assert response.status_code == 302
    phases = list(draft.phases.order_by("order"))
    assert [p.name for p in phases] == ["Protected loading", "Walk-run", "Running progression"]
    assert phases[1].advance_when[1]["max"] == 3


def test_a_published_version_is_frozen(client, author, published):
    client.force_login(author)
    response = client.get(edit(published))
    assert response.status_code == 302 and response.url == detail(published)
    data = {"ph-count": "0", "name": "Changed", "op": "save"}
    client.post(edit(published), data)
    published.refresh_from_db()
    assert published.name == "Tibia library protocol"


def test_new_draft_version_then_publish_it(client, author, published):
    client.force_login(author)
    response = client.post(new_draft(published))
    draft = ProtocolTemplate.objects.get(slug=published.slug, status="draft")
    assert response.status_code == 302 and response.url == edit(draft)
    assert draft.version == 2 and draft.phases.count() == 4
    again = client.post(new_draft(published))
    assert again.url == edit(draft), "one draft per template"
    html = client.get(detail(published)).content.decode()
    assert "Open draft v2" in html
    response = client.post(publish(draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == "published" and draft.published_by == author
    assert published.status == "retired"
    html = client.get(LIST).content.decode()
    assert "Retired versions" in html


def test_publishing_twice_says_why(client, author, published):
    client.force_login(author)
    response = client.post(publish(published), follow=True)
    assert "Only a draft can be published." in response.content.decode()
