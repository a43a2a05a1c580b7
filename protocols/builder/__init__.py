"""The plan builder (per case) and the template library (clinic-wide): their pages and forms.

A person never sees or types JSON: criterion forms are generated from the criteria registry
(``criterion_forms``); a phase is a ``PhaseForm`` with prescription rows and three lists of
criterion rows (``forms``, ``blocks``); ``PhasesEditor`` holds a whole list of phases as nested
forms (``editor``). The pages: ``plan_views`` (the builder) and ``template_views`` (the library),
who reaches them (``access``) and phases in words (``presentation``); ``urls`` names them.
"""
