"""Hand-off of a cut to editing programs: OpenTimelineIO, FCPXML and CMX 3600 files.

:func:`timeline_of` turns an output's EDL into an OpenTimelineIO timeline (pure);
:func:`write_exports` writes it as the formats asked for (:data:`EXPORT_FORMATS`).
"""

from editor.export.files import EXPORT_FORMATS, export_path, export_text, write_exports
from editor.export.timeline import timeline_of

__all__ = ["EXPORT_FORMATS", "export_path", "export_text", "timeline_of", "write_exports"]
