"""The approver's material viewer (issue 15): a case's material files, PDF pages and images, zoom, rotate."""

from client.widgets.material_viewer.dialog import MaterialViewerDialog
from client.widgets.material_viewer.file_table import MaterialFileTable
from client.widgets.material_viewer.viewer import MaterialViewer

__all__ = ["MaterialFileTable", "MaterialViewer", "MaterialViewerDialog"]
