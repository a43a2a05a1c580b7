"""REST API of protocol templates (read, `templates`) and plans with their phases (`plans`):
/api/v1/templates/ and /api/v1/plans/.

A plan's phases show everyone on the case what is prescribed; the gating criteria, citations,
notes and sign-offs only those who may see clinical data (`permissions.can_view_clinical`).
Phase decisions (`POST /plans/{id}/transitions/`) are judged against the case's evaluation, so
`monitoring.api.plans` adds them to the plan endpoint: the system only recommends, a person
decides.
"""
