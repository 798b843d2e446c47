"""Built-in presets, one TOML file each; installed as ``editor.presets``."""
