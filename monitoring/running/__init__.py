"""The road back to running: the pre-injury baseline (entered, or computed from the sessions
recorded before the injury), the week's running against it, the cadence goal and the
clinician's gait checks. Writes in ``services``, reads in ``selectors``; the arithmetic is the
engine's (``protocols.engine.volume``), so the criterion, the pages and the API agree."""
