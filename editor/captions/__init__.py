"""Captions: subtitle files read in any encoding and language, carried through the cut."""
