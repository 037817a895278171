"""Declared schemas: the pydantic model of every content type and data file, and their JSON Schema."""
