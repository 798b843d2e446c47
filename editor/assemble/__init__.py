"""Assembly: scoring footage and planning outputs as EDLs (pure, no I/O)."""
