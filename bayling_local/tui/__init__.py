"""The Textual chat and translation UI of `bayling-local chat`. Import `create_app` from `.app` (lazily: Textual
is only imported when the TUI runs)."""
