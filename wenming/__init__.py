"""Shared library of the Xixiang civilization-practice publishing system.

The content model (schemas, registry, validation) lives here so that the
Pelican plugins, the build CLI and the CMS all read content the same way.
"""
