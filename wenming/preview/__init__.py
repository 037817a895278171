"""`build.py serve`: the loopback preview server, the watcher and live reload."""
