"""REST API of what is recorded and raised, one module per resource: daily logs (`logs`),
sessions, device metrics (`metrics`), assessments, flags, the case endpoint with its plan, open
flags and FHIR export (`cases`), the plan endpoint with its phase decisions (`plans`), and the
care team's notes, reviews and goals (`care`).

The writes of the athletes' data are upserts (`athlete_data`), their items checked by
`validation`.
"""
