"""Serving the explainer with Voilà: configuration, the hardened app and the console command."""
