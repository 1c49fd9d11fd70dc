"""Routing for Helpline: round-robin, least-loaded and skills-based assignment."""
