"""Per-frame numbers kept as they come: a table of fixed-width rows that grows in place.

The analysis pass adds a few numbers (or a small thumbnail) for every decoded frame. Kept as
Python lists of floats or of small arrays, each number costs 30 to 100 bytes of object
overhead; here each costs its own size, and the table doubles its capacity when full, so
adding stays cheap. Rows no longer needed (a window that has been decided) can be dropped
from the front, which keeps such a window's memory bounded whatever the file's length.
"""

from __future__ import annotations

import numpy as np


class Rows:
    """Rows of ``width`` values of ``dtype``, numbered from 0 in the order added.

    Row numbers stay the file's frame numbers after :meth:`drop_before`: ``first`` is the
    number of the oldest row still held.
    """

    def __init__(self, width: int, dtype: type | np.dtype, capacity: int = 1024) -> None:
        self._data = np.zeros((max(1, capacity), width), dtype)
        self._size = 0
        self.first = 0

    def __len__(self) -> int:
        """Rows added so far, dropped ones included (the next row's number)."""
        return self.first + self._size

    def add(self, values: np.ndarray | float | tuple[float, ...]) -> None:
        """Append one row (a scalar when ``width`` is 1)."""
        if self._size == len(self._data):
            grown = np.zeros((2 * len(self._data), self._data.shape[1]), self._data.dtype)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size] = values
        self._size += 1

    def since(self, start: int) -> np.ndarray:
        """A view of rows ``start`` (a row number, clamped to ``first``) to the newest."""
        return self._data[max(0, start - self.first) : self._size]

    def all(self) -> np.ndarray:
        """A copy of every row held, as ``(rows, width)``."""
        return self._data[: self._size].copy()

    def drop_before(self, start: int) -> None:
        """Forget rows numbered below ``start``; the capacity shrinks back when mostly empty."""
        drop = min(max(0, start - self.first), self._size)
        if drop == 0:
            return
        keep = self._data[drop : self._size]
        if len(keep) < len(self._data) // 4 and len(self._data) > 1024:
            data = np.zeros((max(1024, 2 * len(keep)), self._data.shape[1]), self._data.dtype)
            data[: len(keep)] = keep
            self._data = data
        else:
            self._data[: len(keep)] = keep.copy()
        self._size = len(keep)
        self.first += drop
