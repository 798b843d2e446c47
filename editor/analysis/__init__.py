"""Analysis: one decode pass per file feeding every signal (shots, brightness, motion)."""
