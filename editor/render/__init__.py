"""Rendering: an EDL in, a delivery MP4 out."""
