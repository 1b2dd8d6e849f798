"""Document formats that keep their structure: each format (Markdown, HTML, SRT/WebVTT, DOCX, and the
localization files PO, XLIFF, JSON, ARB, YAML) is read into segments of text with protected markers for its
inline markup, and written back with their translations so that the file differs from the input only in the
translated text. Translating them is `runs`' business (`runs.translate_document`, `runs.documents`)."""
