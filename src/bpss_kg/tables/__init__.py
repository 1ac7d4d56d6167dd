"""The standard detail table (标准明细表): import, export and the blank template."""

from .importing import ImportPreview, commit_import, import_table, preview_import
from .writing import county_table_bytes, template_bytes

__all__ = ["ImportPreview", "commit_import", "county_table_bytes", "import_table",
           "preview_import", "template_bytes"]
