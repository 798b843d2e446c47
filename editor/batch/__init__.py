"""Running work over many files: in this process or in a pool of worker processes."""
