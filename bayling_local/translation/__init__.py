"""Segments in, results out: prompts, splitting, and the one translation path through the scheduler."""
