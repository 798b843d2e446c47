"""Opening a media file with PyAV, the same way everywhere.

Container metadata (titles, comments) is free text that some files store in an encoding
other than UTF-8. It never matters to autocut, so it must never stop a file from opening:
PyAV before 19 raises on such bytes unless told to ignore them (``metadata_errors``);
PyAV 19 and later decode them leniently by itself and no longer accepts that argument.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import av.container


@functools.cache
def _open_options() -> dict[str, str]:
    import av

    major = int(str(av.__version__).split(".", 1)[0])
    return {"metadata_errors": "ignore"} if major < 19 else {}


def open_input(path: str | Path) -> av.container.InputContainer:
    """``path`` opened for reading (a context manager, like ``av.open``)."""
    import av

    return av.open(str(path), **_open_options())
