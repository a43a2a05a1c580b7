"""The athlete's exercise prescriptions day by day: ticks (``services``), today's exercises and
adherence (``selectors``, the arithmetic in ``adherence``, pure)."""
