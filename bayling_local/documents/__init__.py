"""Documents that keep their structure: each format (Markdown, HTML, SRT/WebVTT, DOCX) is read into segments
of text with protected markers for its inline markup, translated through the one translation core, and put
back so that the file differs from the input only in the translated text. `folder` mirrors whole trees."""
