"""The shipped templates are in the database after migrate, published, valid and cited."""

import pytest

from protocols import services
from protocols.library import TEMPLATES
from protocols.models import ProtocolTemplate
from protocols.selectors import templates_for_case


@pytest.fixture(autouse=True)
def shipped(db):
    """The data migration installs them; a transactional test elsewhere may have flushed them."""
    if not ProtocolTemplate.objects.filter(shipped=True).exists():
        services.install_shipped_templates()


@pytest.mark.django_db
def test_every_shipped_template_is_installed_and_published():
    installed = ProtocolTemplate.objects.filter(shipped=True, status="published")
    assert set(installed.values_list("slug", flat=True)) == {t["slug"] for t in TEMPLATES}
    for template in installed.prefetch_related("phases"):
        phases = list(template.phases.all())
        assert len(phases) >= 4
        services.phases_clean([p.spec_fields() for p in phases])  # raises if invalid
        assert all(p.citations for p in phases), template.slug
        assert all(". " in c for p in phases for c in p.citations)  # full references, not keys


@pytest.mark.django_db
def test_installing_again_changes_nothing():
    assert services.install_shipped_templates() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("site", "risk_factors", "first"),
    [
        ("posteromedial_tibia", False, "tibia-low-risk"),
        ("posteromedial_tibia", True, "tibia-low-risk-conservative"),
        ("navicular", False, "navicular"),
        ("metatarsal_shaft", False, "metatarsal-shaft"),
        ("calcaneus", False, "low-risk-general"),
        ("anterior_tibia", False, "anterior-tibia"),
        ("patella", False, "high-risk-general"),
        ("femoral_neck_compression", False, "femoral-neck"),
    ],
)
def test_suggested_templates_fit_the_site_and_risk(site, risk_factors, first):
    from tests.factories import CaseFactory

    case = CaseFactory(site=site, grade=3 if risk_factors else 1)
    suggestions = templates_for_case(case)
    assert suggestions[0].slug == first
    assert all(case.site in t.sites for t in suggestions)
    if case.risk == "high":
        assert all(t.risk == "high" for t in suggestions)


@pytest.mark.django_db
def test_the_install_command_installs_what_is_missing():
    from io import StringIO

    from django.core.management import call_command

    ProtocolTemplate.objects.filter(slug="navicular").delete()
    out = StringIO()
    call_command("install_templates", stdout=out)
    assert "1 shipped template(s) installed." in out.getvalue()
    call_command("install_templates", stdout=out)
    assert "0 shipped template(s) installed." in out.getvalue()
