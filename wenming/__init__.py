"""Shared library of the Xixiang civilization-practice publishing system.

The content model (schemas, registry, validation) lives here so that the
Pelican plugins, the build CLI and the CMS all read content the same way.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent  # the checkout: theme/ sits beside the package
THEME_DIR = PROJECT_DIR / "theme"
