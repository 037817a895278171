"""The editors' handbook (Material for MkDocs): reference pages generated from the schemas and the message
catalog, and the build of ``docs/`` + ``mkdocs.yml`` into ``<output>/handbook/``."""
