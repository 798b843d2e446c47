"""Reframing: where the vertical window sits in each landscape frame."""
