"""The board's rows: ``templates/coach/_board_row.html`` printing ``BoardRow`` view models, every
value formatted beforehand and escaped by the template."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.urls import reverse

from monitoring.surfaces.coach.board import (
    BoardFilters,
    board_facts,
    board_groups,
    board_row,
    filter_and_sort,
)
from monitoring.surfaces.coach.facts import CaseFacts
from monitoring.surfaces.coach.status import Confidence, Light, PooledRange
from tests.coach.conftest import TODAY


def printed(row) -> str:
    return render_to_string("coach/_board_row.html", {"row": row})


def test_the_page_prints_each_row_with_the_row_template(client, squad):
    """The board's rows are the row template's output for the same view models, in order."""
    kim = squad(7)
    client.force_login(kim)
    body = client.get(reverse("coach:board"), {"sort": "name"}).content.decode()
    rows = filter_and_sort(board_facts(kim, today=TODAY), BoardFilters(sort="name"))
    printed_rows = [printed(row) for _, team_rows in board_groups(rows) for row in team_rows]
    assert len(printed_rows) == 7
    at = 0
    for html in printed_rows:
        assert html.count("<tr") == 1
        at = body.index(html, at) + len(html)  # each row whole, one after the other


def test_the_row_template_escapes_every_value():
    facts = CaseFacts(case_id=7, visible=frozenset({"training_load"}))
    facts.athlete = "<script>alert('x')</script> & Co"
    facts.sport = '"><b>bold</b>'
    facts.has_plan, facts.phase_name, facts.phase_words = True, "Walk <i>&</i> run", "Low <u>"
    facts.phase_number, facts.phase_count, facts.day_in_phase = 2, 4, 12
    facts.light = Light("amber", "Attention <now>", ("Load <b>spiked</b>.", 'Also "this".'))
    facts.last_log_on, facts.last_log_days = TODAY - dt.timedelta(days=3), 3
    facts.weeks = [(TODAY - dt.timedelta(days=7), 100.0), (TODAY, 180.0)]
    facts.typical_return = TODAY + dt.timedelta(days=40)
    facts.earliest_return = TODAY + dt.timedelta(days=30)
    facts.confidence = Confidence("medium", 'Dates "may" <move>.')
    facts.pooled = PooledRange(TODAY, TODAY + dt.timedelta(days=30), TODAY + dt.timedelta(days=60))
    html = printed(board_row(facts))

    for raw in ("<script>", "<b>", "<i>", "<u>", "<now>", "<move>", '"><b>'):
        assert raw not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in html
    assert "&quot;&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    assert "Walk &lt;i&gt;&amp;&lt;/i&gt; run" in html
    assert "Attention &lt;now&gt;" in html and "Load &lt;b&gt;spiked&lt;/b&gt;." in html
    assert "+ Also &quot;this&quot;." in html
    assert 'title="Dates &quot;may&quot; &lt;move&gt;."' in html
    # what the row formatted beforehand: links, day counts, dates, loads
    assert f'href="{reverse("coach:athlete", args=[7])}"' in html
    assert f'href="{reverse("coach:restrictions", args=[7])}"' in html
    assert "Phase 2 of 4 · day 12" in html and "3 days ago" in html
    assert "180 AU in the last 7 days" in html
    assert '<span class="change-up" title="Against the 7 days before">(+80%)</span>' in html
    assert "<strong>30 Dec 2026</strong>" in html and "earliest 20 Dec" in html
    assert "Usual range 20 Nov – 19 Jan" in html
    assert '<svg class="spark"' in html  # the sparkline is markup already


def test_a_row_without_plan_light_log_or_return():
    html = printed(board_row(CaseFacts(case_id=3, visible=frozenset(), athlete="Ola Other")))
    assert '<tr class="row-">' in html
    assert "No plan yet" in html and "None yet" in html and "Not yet known" in html
    assert "Restrictions card" not in html and "light-" not in html
    assert "AU in the last 7 days" not in html
