"""Reading files: text decoding, YAML with line numbers, front matter, data files, diagnostics, privacy scan."""
