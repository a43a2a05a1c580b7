"""The clinic pages, one module per page: my cases and the inbox (``cases``), the new case form
(``case_new``), the case page and its forms (``case_page``) and its flags (``flags``).

Thin: parse input, ask the predicates of ``athletes.permissions``, call one service or
view-model builder, render. A user who is not on a case gets 404 for everything about it; a user
on the case whose role does not allow an action gets 403 from its POST handler (the page does
not show them the form).
"""
