"""What a person may use by their kind, where no case exists to have a role on: the protocol
template library (read by clinic staff, edited by clinicians and physiotherapists; templates
hold no case data) and the clinic's pages (who opens a case, who has the clinic's page of a
case, who shares a contact with athletes, who uses the account pages). The pages and the API
both ask these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from athletes.permissions.roles import Role, can_record_assessment, can_view_clinical, role_on

if TYPE_CHECKING:
    from athletes.models import Case, User

TEMPLATE_LIBRARY_READERS = frozenset({"clinician", "physio", "nutritionist", "psychologist"})
TEMPLATE_LIBRARY_EDITORS = frozenset({"clinician", "physio"})


def can_read_template_library(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.kind in TEMPLATE_LIBRARY_READERS
    )


def can_edit_template_library(user: User | None) -> bool:
    return can_read_template_library(user) and user.kind in TEMPLATE_LIBRARY_EDITORS


# ================================================================================================
# The clinic's pages: who opens a case, who has the clinic's page of a case, who shares a contact
# with athletes, who uses the account pages. Decided by the person's kind where no case exists
# to have a role on.
# ================================================================================================

CASE_OPENERS = frozenset({"clinician", "physio"})
"""Kinds of user who open cases (and lead them) and whom an athlete's stop message names."""


def can_open_case(user: User | None) -> bool:
    """Clinicians and physiotherapists open cases: no case exists yet to have a role on."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.kind in CASE_OPENERS
    )


CLINIC_KINDS = frozenset({"clinician", "physio", "nutritionist", "psychologist"})
"""Kinds of user whose pages are the clinic's."""


def can_use_clinic(user: User | None) -> bool:
    """The clinic's pages are for clinic staff. A coach has the coach pages, an athlete their
    own pages (/me/), an integration account the API: for them the clinic's pages send them to
    their own place, and a case's clinic pages do not exist."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.kind in CLINIC_KINDS
    )


def can_use_coach_pages(user: User | None) -> bool:
    """The team board and its export are a coach's."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.kind == "coach"
    )


def can_open_clinic_case_page(user: User | None, case: Case) -> bool:
    """The clinic's case page (and the plan builder, the replay and the privacy pages under it)
    is for clinic staff who see the clinical record (clinical roles) or record their own
    assessments there (nutritionist, psychologist). The athlete sees their own record on their
    own pages, a coach on the coach pages, an integration account through the API."""
    return can_use_clinic(user) and (
        can_view_clinical(user, case) or can_record_assessment(user, case)
    )


def can_share_contact(user: User | None) -> bool:
    """Clinicians and physiotherapists share a phone and an e-mail with the athletes of their
    cases: the people an athlete's stop message names."""
    return bool(user is not None and user.is_authenticated and user.kind in CASE_OPENERS)


def can_use_account_pages(user: User | None) -> bool:
    """People who sign in on the pages manage their two-step login and e-mails; an integration
    account only calls the API."""
    return user is not None and user.kind != "integration"


def may_stay_signed_in(user: User | None) -> bool:
    """An athlete may keep their own phone signed in (for 30 days): logging in under 30 seconds
    is the athlete's page. Staff, who read clinical data of many athletes, keep the ordinary
    session (12 hours; clinicians' and physiotherapists' also end with the browser)."""
    return user is not None and user.is_active and user.kind == "athlete"


def is_bone_health_reviewer(user: User | None, case: Case) -> bool:
    """The nutritionist on the case is the one who records its bone-health reviews (their form
    opens first for them)."""
    return role_on(user, case) == Role.NUTRITIONIST
