"""The build: pipeline stages, caches, output swap, and the Pelican engine with its settings."""
