"""Deployment recipes: several explainer processes behind nginx, systemd units, JupyterHub."""
