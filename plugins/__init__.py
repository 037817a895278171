"""The site's Pelican plugins, installed as the package ``wenming_plugins`` (never as top-level modules).

One plugin per subpackage, each with ``register()`` at the bottom listing the signals it connects.
They share data through the Pelican settings and context, never by importing each other.
"""
