"""The registry and the resolved site model: every validated content item with its references resolved."""
