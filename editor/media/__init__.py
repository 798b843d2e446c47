"""Media: the ffmpeg binary, probing, the analysis decode stream, encoder settings."""
