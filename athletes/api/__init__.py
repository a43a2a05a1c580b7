"""REST API of athletes, cases and care teams (/api/v1/athletes/, /cases/, /care-team-members/).

A coach, a nutritionist, a psychologist or an integration account gets the summary view of a
case and of its athlete: no site, grade, imaging, risk factors or date of birth. Which view is
decided per object by `permissions.can_view_clinical`; the `access` field says which it is.
`monitoring.api.cases` extends the case endpoint with the plan, the open flags and the FHIR
export. Every viewset of the apps builds on `base.ScopedViewMixin`.
"""
