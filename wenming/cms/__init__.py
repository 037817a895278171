"""The editing server (`build.py cms`): accounts, roles, the editorial workflow, git commits, media, publishing."""
