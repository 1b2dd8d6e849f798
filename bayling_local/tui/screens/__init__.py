"""Modal screens: help, settings, language picker, text prompt, confirmation."""
