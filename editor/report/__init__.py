"""The review page of a run's outputs: ``OUTDIR/report.html``, one self-contained file."""

from editor.report.files import REPORT_NAME, Listed, series_outputs, write_report
from editor.report.page import OutputPage, report_html

__all__ = ["REPORT_NAME", "Listed", "OutputPage", "report_html", "series_outputs", "write_report"]
