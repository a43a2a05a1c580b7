"""Templates never decide who may do what: they get the answer of an ``athletes.permissions``
predicate from their view or from a filter of ``athletes/templatetags/access.py``, and never
compare a user's kind or a care-team role themselves."""

import re
from pathlib import Path

from athletes.models import CareTeamMember, User

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NAMES = sorted(set(User.Kind.values) | set(CareTeamMember.Role.values))
CONDITION = re.compile(r"{%-?\s*(?:el)?if\b(.*?)-?%}", re.S)
COMPARISON = re.compile(
    r"\.kind\s*(?:==|!=|\bin\b|\bnot in\b)"
    r"|\brole\s*(?:==|!=|\bin\b|\bnot in\b)"
    r"|(?:==|!=|\bin\b)\s*[\"'](?:" + "|".join(map(re.escape, NAMES)) + r")[\"']"
)
USER_KIND = re.compile(r"\buser\.kind\s*(?:==|!=|\bin\b|\bnot in\b)|\brole\s*(?:==|!=)")


def role_checks(text: str) -> list[str]:
    """The template's conditions that compare a user's kind or a role with a value."""
    found = []
    for condition in CONDITION.findall(text):
        if USER_KIND.search(condition) or (
            COMPARISON.search(condition) and re.search(r"\b(?:user|role)\b", condition)
        ):
            found.append(condition.strip())
    return found


def test_no_template_compares_a_kind_or_a_role():
    offenders = {
        str(path.relative_to(TEMPLATES)): checks
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (checks := role_checks(path.read_text()))
    }
    assert offenders == {}


def test_a_role_check_is_found():
    assert role_checks('{% if user.kind == "clinician" %}x{% endif %}')
    assert role_checks('{% if user.kind != "integration" %}x{% endif %}')
    assert role_checks("{% elif page.role == 'nutritionist' or form.errors %}x{% endif %}")
    assert not role_checks('{% if item.kind == "note" %}x{% endif %}')
    assert not role_checks("{% if user|uses_account_pages %}x{% endif %}")
