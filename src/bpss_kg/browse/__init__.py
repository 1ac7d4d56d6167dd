"""Read models for the web pages: search, resource descriptions, dashboards, comparisons."""
