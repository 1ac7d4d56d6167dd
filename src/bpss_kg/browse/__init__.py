"""Read models for the web UI: what each page shows, read from the store with bounded queries.

One module per page concern: ``labels`` (language choice and fallback), ``summary`` (home),
``resource`` (any IRI), ``ontology_view``, ``national_tree``, ``county`` (dashboard),
``compare`` (2–4 counties), ``findings`` (latest validation run). Values from users enter the
queries as typed terms through bindings, never as text.
"""

from __future__ import annotations
