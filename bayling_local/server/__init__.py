"""`bayling-local serve`: an HTTP server speaking the OpenAI and LibreTranslate APIs over the one scheduler."""
